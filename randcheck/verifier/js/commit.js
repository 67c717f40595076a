// Commit: not yet written.
const Commit = (() => {
  return {};
})();
