// Tsa: not yet written.
const Tsa = (() => {
  return {};
})();
