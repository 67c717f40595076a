// Entropy: not yet written.
const Entropy = (() => {
  return {};
})();
