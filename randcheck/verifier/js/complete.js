// Complete: not yet written.
const Complete = (() => {
  return {};
})();
