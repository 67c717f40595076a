// Ui: not yet written.
const Ui = (() => {
  function boot() {}
  return { boot };
})();
