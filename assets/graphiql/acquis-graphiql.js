// Starts GraphiQL against this server's /graphql. Kept out of index.html so the page's
// Content-Security-Policy can forbid inline scripts.
(function () {
  var defaultQuery = [
    "# Welcome to Acquis.",
    "#",
    "# The referential is public: run this query with the ▶ button.",
    "# Everything about dossiers needs a token. On a development machine:",
    "#   cargo run --release -- token --sub alice --role CANDIDATE",
    "# then open the Headers tab below and paste",
    '#   { "Authorization": "Bearer <the token>" }',
    "",
    "{",
    '  programme(code: "DEIS") {',
    "    code",
    "    title",
    "    domains {",
    "      code",
    "      title",
    "      trainingHours",
    "      competences { code title }",
    "    }",
    "  }",
    "}",
    ""
  ].join("\n");
  var fetcher = GraphiQL.createFetcher({ url: new URL("/graphql", window.location.href).href });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: "headers"
    })
  );
})();
