// Note: not yet written.
const Note = (() => {
  return {};
})();
