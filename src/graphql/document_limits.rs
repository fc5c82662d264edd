//! Limits on a GraphQL document that must hold before async-graphql spends work on it.
//!
//! async-graphql's parser recurses once per bracket, and its validation visits every fragment
//! spread inline, once per use: a few kilobytes of `[[[…]]]` overflowed the stack of the
//! process, and 23 fragments each spreading the next twice cost seconds of CPU. So the raw text
//! is checked for bracket nesting before it is parsed, and the parsed document is summarised
//! with each fragment computed once (linear in the text) before it is validated: expanded
//! selections, nesting through fragments, the depth of data fields, and for introspection the
//! nesting of its recursive list fields (the rule graphql-js applies). The standard
//! introspection queries are deep but harmless, so data depth does not count them.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// Brackets (`{`, `[`, `(`) open at once in the text; also the nesting of selection sets,
/// fragment spreads and inline fragments through fragments.
pub const MAX_NESTING: usize = 64;
/// Depth of data fields, as async-graphql counts it (introspection excluded).
pub const MAX_DEPTH: usize = 12;
/// Field selections once every fragment spread is expanded, all operations together.
pub const MAX_SELECTIONS: u64 = 5_000;
/// Depth of fields below `__schema` or `__type`: the TypeRef fragment of graphql-js 16 is ten
/// levels of `ofType`.
pub const MAX_INTROSPECTION_DEPTH: usize = 24;
/// `fields`, `inputFields`, `interfaces` and `possibleTypes` nested in one another: each level
/// multiplies the answer by the size of the schema. graphql-js refuses three.
pub const MAX_INTROSPECTION_LISTS: usize = 2;

/// Why a document is refused; `code` goes into `extensions.code`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DocumentRefusal {
    #[error(
        "the document nests brackets or selections more than {MAX_NESTING} levels deep; it was not parsed"
    )]
    TooNested,
    #[error("Query is nested too deep.")]
    TooDeep,
    #[error(
        "the document expands to more than {MAX_SELECTIONS} field selections once its fragments are spread"
    )]
    TooManySelections,
    #[error("Cannot spread fragment \"{0}\" within itself.")]
    FragmentCycle(String),
    #[error("Maximum introspection depth exceeded.")]
    IntrospectionTooDeep,
}

impl DocumentRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            DocumentRefusal::TooNested => "DOCUMENT_TOO_NESTED",
            DocumentRefusal::TooDeep => "QUERY_TOO_DEEP",
            DocumentRefusal::TooManySelections => "QUERY_TOO_LARGE",
            DocumentRefusal::FragmentCycle(_) => "GRAPHQL_VALIDATION_FAILED",
            DocumentRefusal::IntrospectionTooDeep => "INTROSPECTION_TOO_DEEP",
        }
    }
}

/// Refuses a text whose brackets nest deeper than [`MAX_NESTING`], outside strings and
/// comments, without parsing it.
pub fn check_text(text: &str) -> Result<(), DocumentRefusal> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    // `\"""` is an escaped delimiter inside a block string.
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(DocumentRefusal::TooNested);
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// What a selection set amounts to once expanded, relative to where it is used.
#[derive(Clone, Copy, Debug, Default)]
struct Summary {
    selections: u64,
    nesting: usize,
    data_depth: usize,
    introspection_depth: usize,
    introspection_lists: usize,
}

impl Summary {
    fn merge(&mut self, other: Summary) {
        self.selections = self.selections.saturating_add(other.selections);
        self.nesting = self.nesting.max(other.nesting);
        self.data_depth = self.data_depth.max(other.data_depth);
        self.introspection_depth = self.introspection_depth.max(other.introspection_depth);
        self.introspection_lists = self.introspection_lists.max(other.introspection_lists);
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Mode {
    Data,
    Introspection,
}

enum Memo {
    InProgress,
    Done(Summary),
}

struct Walker<'a> {
    document: &'a ExecutableDocument,
    fragments: HashMap<(&'a str, Mode), Memo>,
}

/// Checks every operation of a parsed document against the limits above; fragments a
/// document does not define are left to validation, which names them.
pub fn check_document(document: &ExecutableDocument) -> Result<(), DocumentRefusal> {
    let mut walker = Walker {
        document,
        fragments: HashMap::new(),
    };
    let mut total = Summary::default();
    for (_, operation) in document.operations.iter() {
        let summary = walker.selection_set(&operation.node.selection_set.node, Mode::Data, 1)?;
        total.merge(summary);
    }
    if total.selections > MAX_SELECTIONS {
        return Err(DocumentRefusal::TooManySelections);
    }
    if total.nesting > MAX_NESTING {
        return Err(DocumentRefusal::TooNested);
    }
    if total.data_depth > MAX_DEPTH {
        return Err(DocumentRefusal::TooDeep);
    }
    if total.introspection_depth > MAX_INTROSPECTION_DEPTH
        || total.introspection_lists > MAX_INTROSPECTION_LISTS
    {
        return Err(DocumentRefusal::IntrospectionTooDeep);
    }
    Ok(())
}

impl<'a> Walker<'a> {
    /// `stack` is how deep this walk recursed: a chain of fragments nests without brackets,
    /// so it is bounded here too.
    fn selection_set(
        &mut self,
        set: &'a SelectionSet,
        mode: Mode,
        stack: usize,
    ) -> Result<Summary, DocumentRefusal> {
        if stack > MAX_NESTING {
            return Err(DocumentRefusal::TooNested);
        }
        let mut summary = Summary::default();
        for item in &set.items {
            let part = match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let name = field.name.node.as_str();
                    let inner_mode = match mode {
                        Mode::Data if name == "__schema" || name == "__type" => Mode::Introspection,
                        other => other,
                    };
                    let inner =
                        self.selection_set(&field.selection_set.node, inner_mode, stack + 1)?;
                    let lists = usize::from(
                        mode == Mode::Introspection
                            && matches!(
                                name,
                                "fields" | "inputFields" | "interfaces" | "possibleTypes"
                            ),
                    );
                    Summary {
                        selections: inner.selections.saturating_add(1),
                        nesting: inner.nesting + 1,
                        data_depth: if mode == Mode::Data {
                            inner.data_depth + 1
                        } else {
                            0
                        },
                        introspection_depth: if inner_mode == Mode::Introspection {
                            inner.introspection_depth + 1
                        } else {
                            0
                        },
                        introspection_lists: inner.introspection_lists + lists,
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let mut inner = self.fragment(name, mode, stack + 1)?;
                    inner.nesting += 1;
                    inner
                }
                Selection::InlineFragment(inline) => {
                    let mut inner =
                        self.selection_set(&inline.node.selection_set.node, mode, stack + 1)?;
                    inner.nesting += 1;
                    inner
                }
            };
            summary.merge(part);
            if summary.selections > MAX_SELECTIONS {
                return Err(DocumentRefusal::TooManySelections);
            }
        }
        Ok(summary)
    }

    fn fragment(
        &mut self,
        name: &'a str,
        mode: Mode,
        stack: usize,
    ) -> Result<Summary, DocumentRefusal> {
        match self.fragments.get(&(name, mode)) {
            Some(Memo::Done(summary)) => return Ok(*summary),
            Some(Memo::InProgress) => return Err(DocumentRefusal::FragmentCycle(name.to_owned())),
            None => {}
        }
        let Some(definition) = self.document.fragments.get(name) else {
            return Ok(Summary::default());
        };
        self.fragments.insert((name, mode), Memo::InProgress);
        let summary = self.selection_set(&definition.node.selection_set.node, mode, stack)?;
        self.fragments.insert((name, mode), Memo::Done(summary));
        Ok(summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn check(text: &str) -> Result<(), DocumentRefusal> {
        check_text(text)?;
        check_document(&parse_query(text).expect("a document that parses"))
    }

    #[test]
    fn brackets_nested_past_the_limit_are_refused_before_parsing() {
        let deep = format!(
            "{{ programme(code: {}1{}) {{ code }} }}",
            "[".repeat(2000),
            "]".repeat(2000)
        );
        assert_eq!(check_text(&deep), Err(DocumentRefusal::TooNested));
        let object = format!("{{ f(a: {}1{}) }}", "{a:".repeat(500), "}".repeat(500));
        assert_eq!(check_text(&object), Err(DocumentRefusal::TooNested));
        let ok = format!("{{ f(a: {}1{}) }}", "[".repeat(40), "]".repeat(40));
        assert_eq!(check_text(&ok), Ok(()));
    }

    #[test]
    fn brackets_inside_strings_and_comments_do_not_count() {
        let text = format!(
            "{{ f(a: \"{}\", b: \"\"\"{} \\\"\"\" {}\"\"\") # {}\n}}",
            "[".repeat(200),
            "{".repeat(200),
            "(".repeat(200),
            "[".repeat(200)
        );
        assert_eq!(check_text(&text), Ok(()));
    }

    #[test]
    fn a_fragment_fan_out_is_refused_without_expanding_it() {
        let mut text = String::from("query { ...F0 } ");
        for i in 0..40 {
            text.push_str(&format!(
                "fragment F{i} on Query {{ ...F{n} ...F{n} }} ",
                n = i + 1
            ));
        }
        text.push_str("fragment F40 on Query { __typename }");
        let started = std::time::Instant::now();
        assert_eq!(check(&text), Err(DocumentRefusal::TooManySelections));
        // Far below a second even unoptimised: each fragment is summarised once.
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn fragment_cycles_and_long_fragment_chains_are_refused() {
        let cycle = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
        assert!(matches!(
            check(cycle),
            Err(DocumentRefusal::FragmentCycle(_))
        ));
        let mut chain = String::from("{ ...F0 } ");
        for i in 0..200 {
            chain.push_str(&format!("fragment F{i} on Query {{ ...F{} }} ", i + 1));
        }
        chain.push_str("fragment F200 on Query { __typename }");
        assert_eq!(check(&chain), Err(DocumentRefusal::TooNested));
    }

    #[test]
    fn data_depth_counts_fields_through_fragments() {
        let nested = |levels: usize| {
            format!(
                "{{ ...F }} fragment F on Query {{ {}code{} }}",
                "a { ".repeat(levels - 1),
                " }".repeat(levels - 1)
            )
        };
        assert_eq!(check(&nested(MAX_DEPTH)), Ok(()));
        assert_eq!(check(&nested(MAX_DEPTH + 1)), Err(DocumentRefusal::TooDeep));
    }

    #[test]
    fn the_standard_introspection_queries_pass_and_recursive_introspection_does_not() {
        for text in [
            include_str!("../../fixtures/introspection/graphql-js-16.graphql"),
            include_str!("../../fixtures/introspection/graphql-core-3.graphql"),
        ] {
            assert_eq!(check(text), Ok(()));
        }
        let recursive =
            "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
        assert_eq!(check(recursive), Err(DocumentRefusal::IntrospectionTooDeep));
        let two = "{ __type(name: \"Query\") { fields { type { fields { name } } } } }";
        assert_eq!(check(two), Ok(()));
    }
}
