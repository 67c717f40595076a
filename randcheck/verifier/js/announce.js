// Announce: not yet written.
const Announce = (() => {
  return {};
})();
