//! Schema references of Avro and JSON Schema schemas, as the Schema Registry keeps them: the
//! schemas whose named types (Avro) or documents (JSON Schema) a schema uses, each registered
//! under a subject of its own and listed, with its reference name, in the `references` of the
//! schemas that use it. They come from the registry (a registered version's references, or the
//! ones a contract declares) or from the project's files ([`avro`], [`json`]).

pub(crate) mod avro;
pub(crate) mod files;
pub(crate) mod json;

use std::collections::HashMap;

use schemagate_registry::client::{Client, ClientError, Reference, Schema, Version};

/// One referenced schema.
#[derive(Debug, Clone)]
pub struct RefDoc {
    /// The subject it is (or is to be) registered under.
    pub subject: String,
    /// Its version, when the registry already holds it (nothing to register).
    pub version: Option<i64>,
    /// Where it came from, for messages: a file or `registry subject S version N`.
    pub origin: String,
    pub text: String,
    /// Its own references: (reference name, index in [`RefGraph::docs`]).
    pub references: Vec<(String, usize)>,
}

/// A schema's references, transitively.
#[derive(Debug, Clone, Default)]
pub struct RefGraph {
    /// Every referenced schema, each after the ones it references once [`RefGraph::ordered`].
    pub docs: Vec<RefDoc>,
    /// The main schema's own references: (reference name, index in `docs`).
    pub main: Vec<(String, usize)>,
}

/// The deepest chain of references followed; registries bound theirs too, and a chain this long
/// is a loop the registry data should not hold.
const MAX_DEPTH: usize = 256;

impl RefGraph {
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The texts of every referenced schema.
    pub fn texts(&self) -> Vec<&str> {
        self.docs.iter().map(|d| d.text.as_str()).collect()
    }

    /// Each referenced schema with the first name a schema references it by.
    pub fn named_texts(&self) -> Vec<(String, String)> {
        let mut names: Vec<Option<&str>> = vec![None; self.docs.len()];
        let edges = self.main.iter().chain(self.docs.iter().flat_map(|d| &d.references));
        for (name, i) in edges {
            names[*i].get_or_insert(name);
        }
        self.docs.iter().zip(names).map(|(d, n)| (n.unwrap_or(&d.subject).to_string(), d.text.clone())).collect()
    }

    /// The same graph with every schema after the ones it references (the order they must be
    /// registered in); a cycle is an error, as no registry can register one.
    pub fn ordered(self) -> Result<RefGraph, String> {
        #[derive(Clone, Copy, PartialEq)]
        enum State {
            New,
            Visiting,
            Done,
        }
        fn visit(
            i: usize,
            docs: &[RefDoc],
            state: &mut [State],
            order: &mut Vec<usize>,
            path: &mut Vec<usize>,
        ) -> Result<(), String> {
            match state[i] {
                State::Done => return Ok(()),
                State::Visiting => {
                    let start = path.iter().position(|p| *p == i).unwrap_or(0);
                    let mut cycle: Vec<&str> = path[start..].iter().map(|p| docs[*p].origin.as_str()).collect();
                    cycle.push(&docs[i].origin);
                    return Err(format!("reference cycle: {}", cycle.join(" -> ")));
                }
                State::New => {}
            }
            if path.len() > MAX_DEPTH {
                return Err(format!("references nest deeper than {MAX_DEPTH} levels"));
            }
            state[i] = State::Visiting;
            path.push(i);
            for (_, j) in &docs[i].references {
                visit(*j, docs, state, order, path)?;
            }
            path.pop();
            state[i] = State::Done;
            order.push(i);
            Ok(())
        }
        let mut state = vec![State::New; self.docs.len()];
        let mut order = Vec::with_capacity(self.docs.len());
        for (_, i) in &self.main {
            visit(*i, &self.docs, &mut state, &mut order, &mut Vec::new())?;
        }
        let mut position = vec![usize::MAX; self.docs.len()];
        for (new, old) in order.iter().enumerate() {
            position[*old] = new;
        }
        let remap = |edges: &[(String, usize)]| -> Vec<(String, usize)> {
            edges.iter().map(|(name, i)| (name.clone(), position[*i])).collect()
        };
        let docs = order
            .iter()
            .map(|old| {
                let d = &self.docs[*old];
                RefDoc { references: remap(&d.references), ..d.clone() }
            })
            .collect();
        Ok(RefGraph { docs, main: remap(&self.main) })
    }
}

/// Builds a graph from registry references (of a registered version, or declared by a
/// contract), fetching each version and the ones it references once.
pub(crate) struct RegistryWalk<'a> {
    client: &'a Client,
    graph: RefGraph,
    seen: HashMap<(String, i64), usize>,
}

impl<'a> RegistryWalk<'a> {
    pub(crate) fn new(client: &'a Client) -> RegistryWalk<'a> {
        RegistryWalk { client, graph: RefGraph::default(), seen: HashMap::new() }
    }

    /// Adds a reference of the main schema.
    pub(crate) fn add_main(&mut self, reference: &Reference) -> Result<(), String> {
        let i = self.visit(reference, 0)?;
        self.graph.main.push((reference.name.clone(), i));
        Ok(())
    }

    fn visit(&mut self, r: &Reference, depth: usize) -> Result<usize, String> {
        if let Some(i) = self.seen.get(&(r.subject.clone(), r.version)) {
            return Ok(*i);
        }
        if depth > MAX_DEPTH {
            return Err(format!("references nest deeper than {MAX_DEPTH} levels"));
        }
        let found = self.client.version(&r.subject, Version::Number(r.version)).map_err(|e| {
            format!("reference {} (subject {} version {}): {}", r.name, r.subject, r.version, not_found(&e))
        })?;
        let i = self.graph.docs.len();
        self.graph.docs.push(RefDoc {
            subject: found.subject.clone(),
            version: Some(found.version),
            origin: format!("registry subject {} version {}", found.subject, found.version),
            text: found.schema,
            references: Vec::new(),
        });
        self.seen.insert((r.subject.clone(), r.version), i);
        for child in &found.references {
            let j = self.visit(child, depth + 1)?;
            self.graph.docs[i].references.push((child.name.clone(), j));
        }
        Ok(i)
    }

    pub(crate) fn finish(self) -> RefGraph {
        self.graph
    }
}

/// A registry error as a reader of a contract wants it: "not found" for a 404.
fn not_found(e: &ClientError) -> String {
    match e.status() {
        Some(404) => format!("not found in the registry ({e})"),
        _ => e.to_string(),
    }
}

/// A version of a subject a contract names (`latest` when it names none), as a reference.
pub(crate) fn declared(client: &Client, name: &str, subject: &str, version: Option<i64>) -> Result<Reference, String> {
    let wanted = version.map_or(Version::Latest, Version::Number);
    let found = client
        .version(subject, wanted)
        .map_err(|e| format!("reference {name}: version {wanted} of subject {subject}: {}", not_found(&e)))?;
    Ok(Reference { name: name.to_string(), subject: found.subject, version: found.version })
}

/// Registers the referenced schemas that the registry does not hold yet under their subjects,
/// each after the ones it references and with references to them (one already registered with
/// the same text and references is reused), then `text` under `subject` with references to its
/// own; answers the id of `text`.
pub(crate) fn register(
    client: &Client,
    subject: &str,
    schema_type: &str,
    text: &str,
    graph: &RefGraph,
) -> Result<i64, ClientError> {
    let mut versions: Vec<i64> = Vec::with_capacity(graph.docs.len());
    let references = |edges: &[(String, usize)], versions: &[i64]| -> Vec<Reference> {
        edges
            .iter()
            .map(|(name, i)| Reference {
                name: name.clone(),
                subject: graph.docs[*i].subject.clone(),
                version: versions[*i],
            })
            .collect()
    };
    for doc in &graph.docs {
        if let Some(v) = doc.version {
            versions.push(v);
            continue;
        }
        let schema = Schema::new(schema_type, doc.text.clone()).with_references(references(&doc.references, &versions));
        let version = match client.lookup(&doc.subject, &schema)? {
            Some(found) => found.version,
            None => {
                client.register(&doc.subject, &schema)?;
                client.lookup(&doc.subject, &schema)?.map(|found| found.version).ok_or_else(|| {
                    ClientError::References(format!("`{}` was registered but the registry cannot find it", doc.subject))
                })?
            }
        };
        versions.push(version);
    }
    let main = Schema::new(schema_type, text).with_references(references(&graph.main, &versions));
    client.register(subject, &main)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(origin: &str, references: Vec<(&str, usize)>) -> RefDoc {
        RefDoc {
            subject: origin.to_string(),
            version: None,
            origin: origin.to_string(),
            text: String::new(),
            references: references.into_iter().map(|(n, i)| (n.to_string(), i)).collect(),
        }
    }

    #[test]
    fn ordering_puts_dependencies_first_and_keeps_the_edges() {
        // main -> a -> b, main -> b; found in the order a, b would be wrong for registration.
        let graph = RefGraph {
            docs: vec![doc("a", vec![("B", 1)]), doc("b", vec![])],
            main: vec![("A".into(), 0), ("B".into(), 1)],
        };
        let ordered = graph.ordered().unwrap();
        let origins: Vec<&str> = ordered.docs.iter().map(|d| d.origin.as_str()).collect();
        assert_eq!(origins, ["b", "a"]);
        assert_eq!(ordered.docs[1].references, [("B".to_string(), 0)]);
        assert_eq!(ordered.main, [("A".to_string(), 1), ("B".to_string(), 0)]);
        assert_eq!(ordered.named_texts()[0].0, "B");
    }

    #[test]
    fn a_cycle_is_an_error_naming_its_schemas() {
        let graph =
            RefGraph { docs: vec![doc("a", vec![("B", 1)]), doc("b", vec![("A", 0)])], main: vec![("A".into(), 0)] };
        assert_eq!(graph.ordered().unwrap_err(), "reference cycle: a -> b -> a");
    }
}

#[cfg(test)]
mod load_tests;
