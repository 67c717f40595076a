// Files: not yet written.
const Files = (() => {
  return {};
})();
