//! The committed schema is the generated one, and it contains the whole binding contract.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

fn fields_by_type(sdl: &str) -> HashMap<String, HashSet<String>> {
    let document = parse_schema(sdl).expect("the SDL parses");
    let mut out = HashMap::new();
    for definition in document.definitions {
        if let TypeSystemDefinition::Type(ty) = definition {
            let name = ty.node.name.node.to_string();
            let fields: HashSet<String> = match &ty.node.kind {
                TypeKind::Object(o) => o
                    .fields
                    .iter()
                    .map(|f| f.node.name.node.to_string())
                    .collect(),
                TypeKind::InputObject(i) => i
                    .fields
                    .iter()
                    .map(|f| f.node.name.node.to_string())
                    .collect(),
                TypeKind::Enum(e) => e
                    .values
                    .iter()
                    .map(|v| v.node.value.node.to_string())
                    .collect(),
                _ => HashSet::new(),
            };
            out.insert(name, fields);
        }
    }
    out
}

#[test]
fn schema_graphql_at_the_root_is_what_acquis_schema_prints() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql exists");
    let generated = acquis::graphql::sdl();
    assert!(
        committed == generated,
        "schema.graphql is stale: run `cargo run -- schema > schema.graphql` and review the diff"
    );
}

#[test]
fn the_schema_contains_every_type_field_and_enum_value_of_the_contract() {
    let contract = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/api-contract.graphql"
    ))
    .unwrap();
    let ours = fields_by_type(&acquis::graphql::sdl());
    let mut missing = Vec::new();
    for (ty, fields) in fields_by_type(&contract) {
        match ours.get(&ty) {
            None => missing.push(ty),
            Some(have) => missing.extend(fields.difference(have).map(|f| format!("{ty}.{f}"))),
        }
    }
    missing.sort();
    assert!(missing.is_empty(), "missing from the schema: {missing:?}");
}
