// Json: not yet written.
const Json = (() => {
  return {};
})();
