// Reading: not yet written.
const Reading = (() => {
  return { sources: {} };
})();
