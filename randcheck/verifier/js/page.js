// Page: not yet written.
const Page = (() => {
  return {};
})();
