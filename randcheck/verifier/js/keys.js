// Keys: not yet written.
const Keys = (() => {
  return {};
})();
