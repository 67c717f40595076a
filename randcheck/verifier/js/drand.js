// Drand: not yet written.
const Drand = (() => {
  return {};
})();
