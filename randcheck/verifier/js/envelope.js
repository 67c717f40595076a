// Envelope: not yet written.
const Envelope = (() => {
  return {};
})();
