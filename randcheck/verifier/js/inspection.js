// Inspection: not yet written.
const Inspection = (() => {
  return {};
})();
