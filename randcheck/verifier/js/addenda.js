// Addenda: not yet written.
const Addenda = (() => {
  return {};
})();
