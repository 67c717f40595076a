// Replay: not yet written.
const Replay = (() => {
  return {};
})();
