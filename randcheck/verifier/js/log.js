// Log: not yet written.
const Log = (() => {
  return {};
})();
