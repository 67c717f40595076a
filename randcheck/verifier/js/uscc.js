// Uscc: not yet written.
const Uscc = (() => {
  return {};
})();
