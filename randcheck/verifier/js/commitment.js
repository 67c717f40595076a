// Commitment: not yet written.
const Commitment = (() => {
  return {};
})();
