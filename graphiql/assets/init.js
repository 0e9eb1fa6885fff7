// Boots GraphiQL against this server's /query, with WebSocket subscriptions.
// Sign in with the login mutation, then put {"Authorization": "Bearer <token>"}
// in the Headers tab; GraphiQL keeps it in local storage.
(function () {
  var wsProto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  var fetcher = GraphiQL.createFetcher({
    url: location.origin + '/query',
    subscriptionUrl: wsProto + '//' + location.host + '/query',
  });
  var defaultQuery = [
    '# Welcome to OpsGraph. Sign in first (demo password: opsgraph-demo):',
    '#',
    '# mutation { login(email: "owner@agency.demo", password: "opsgraph-demo") { token } }',
    '#',
    '# then set the Headers tab to {"Authorization": "Bearer <token>"} and run:',
    '',
    '{',
    '  stores(first: 5) {',
    '    totalCount',
    '    edges { node { name platform campaigns(first: 3) { edges { node { name kind } } } } }',
    '  }',
    '}',
    '',
  ].join('\n');
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      shouldPersistHeaders: true,
    })
  );
})();
