// Pairing: not yet written.
const Pairing = (() => {
  return {};
})();
