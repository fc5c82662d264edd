//! Response keys in the order of the selection, as the GraphQL spec asks ("ordered map").
//!
//! async-graphql 7.2 resolves the fields of an object concurrently and inserts each as it
//! completes, so a slow field ends up after a fast one selected later (`userErrors` before
//! `evidence`, `exemptionTotals` before `exemptions`). This pass puts every object of the data
//! back into selection order: the keys of a selection are computed once per selection set (not
//! once per object of a list), and an object already in order is left as it is.

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Value};

/// Reorders `data`, the result of the operation of `document` named `operation` (or its only one).
pub fn reorder(document: &ExecutableDocument, operation: Option<&str>, data: &mut Value) {
    let Some(operation) = pick(document, operation) else {
        return;
    };
    let walker = Walker { document };
    walker.value(data, &[&operation.selection_set.node]);
}

fn pick<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(map), Some(name)) => map.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(map), None) if map.len() == 1 => {
            map.values().next().map(|op| &op.node)
        }
        _ => None,
    }
}

struct Walker<'a> {
    document: &'a ExecutableDocument,
}

/// The response keys of some selection sets merged, in order, each with the selection sets of
/// its fields (a key selected twice merges both).
type Groups<'a> = Vec<(&'a str, Vec<&'a SelectionSet>)>;

impl<'a> Walker<'a> {
    fn value(&self, value: &mut Value, sets: &[&'a SelectionSet]) {
        match value {
            Value::Object(map) => {
                let groups = self.groups(sets);
                self.object(map, &groups);
            }
            Value::List(items) => {
                // Items of a list share their selection: group it once.
                let mut groups: Option<Groups<'a>> = None;
                for item in items {
                    match item {
                        Value::Object(map) => {
                            let groups = groups.get_or_insert_with(|| self.groups(sets));
                            self.object(map, groups);
                        }
                        Value::List(_) => self.value(item, sets),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    fn object(&self, map: &mut IndexMap<Name, Value>, groups: &Groups<'a>) {
        let in_order = {
            let mut wanted = groups.iter().map(|(key, _)| *key);
            map.keys()
                .all(|key| wanted.by_ref().any(|w| w == key.as_str()))
        };
        if !in_order {
            let mut old = std::mem::take(map);
            for (key, _) in groups {
                if let Some((name, value)) = old.shift_remove_entry(*key) {
                    map.insert(name, value);
                }
            }
            // Anything the selection does not name (none expected) keeps its place at the end.
            map.extend(old);
        }
        for (key, sets) in groups {
            if sets.is_empty() {
                continue;
            }
            if let Some(value) = map.get_mut(*key) {
                self.value(value, sets);
            }
        }
    }

    fn groups(&self, sets: &[&'a SelectionSet]) -> Groups<'a> {
        let mut groups: Groups<'a> = Vec::new();
        for set in sets {
            self.collect(set, &mut groups, 0);
        }
        groups
    }

    fn collect(&self, set: &'a SelectionSet, groups: &mut Groups<'a>, depth: usize) {
        // Documents reaching here passed `document_limits`, whose nesting bound holds here too.
        if depth > super::document_limits::MAX_NESTING {
            return;
        }
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let key = field.response_key().node.as_str();
                    let sub = &field.selection_set.node;
                    match groups.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, sets)) => {
                            if !sub.items.is_empty() {
                                sets.push(sub);
                            }
                        }
                        None => groups.push((
                            key,
                            if sub.items.is_empty() {
                                Vec::new()
                            } else {
                                vec![sub]
                            },
                        )),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = self
                        .document
                        .fragments
                        .get(spread.node.fragment_name.node.as_str())
                    {
                        self.collect(&fragment.node.selection_set.node, groups, depth + 1);
                    }
                }
                Selection::InlineFragment(inline) => {
                    self.collect(&inline.node.selection_set.node, groups, depth + 1);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn keys(value: &Value) -> Vec<String> {
        match value {
            Value::Object(map) => map.keys().map(|k| k.to_string()).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn objects_and_objects_in_lists_follow_the_selection_through_fragments_and_aliases() {
        let document = parse_query(
            "{ d: dossier { ...F exemptions { status rule } evidence { id } } } fragment F on Dossier { id ... on Dossier { totals } }",
        )
        .unwrap();
        let mut data = Value::from_json(serde_json::json!({
            "d": {
                "evidence": [{ "id": 1 }],
                "exemptions": [{ "rule": "r", "status": "s" }, { "rule": "q", "status": "t" }],
                "totals": 3,
                "id": "x"
            }
        }))
        .unwrap();
        reorder(&document, None, &mut data);
        let Value::Object(root) = &data else { panic!() };
        let dossier = &root["d"];
        assert_eq!(keys(dossier), ["id", "totals", "exemptions", "evidence"]);
        let Value::Object(dossier) = dossier else {
            panic!()
        };
        let Value::List(flags) = &dossier["exemptions"] else {
            panic!()
        };
        for flag in flags {
            assert_eq!(keys(flag), ["status", "rule"]);
        }
    }
}
