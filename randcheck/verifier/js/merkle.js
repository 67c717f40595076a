// Merkle: not yet written.
const Merkle = (() => {
  return {};
})();
