//! The matching engine: indexes both inputs, pairs old and new elements (files by path,
//! messages/enums/services by full name, fields by number, enum values by number, methods by
//! name, extensions by extendee and number) and runs each selected rule on the pairs.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::ast::{Field, Message, ProtoFile};
use crate::rules::{Check, EnumRef, FieldRef, MessageRef, MethodRef, Out, RawFinding, Rule, ServiceRef, ValuesRef};

/// Lookup tables over the files of one input.
pub struct Index<'a> {
    pub files: BTreeMap<&'a str, &'a ProtoFile>,
    pub messages: HashMap<&'a str, MessageRef<'a>>,
    pub enums: HashMap<&'a str, EnumRef<'a>>,
    pub services: HashMap<&'a str, ServiceRef<'a>>,
    pub extensions: HashMap<(&'a str, i64), FieldRef<'a>>,
}

impl<'a> Index<'a> {
    pub fn new(files: &'a [ProtoFile]) -> Index<'a> {
        let mut index = Index {
            files: BTreeMap::new(),
            messages: HashMap::new(),
            enums: HashMap::new(),
            services: HashMap::new(),
            extensions: HashMap::new(),
        };
        for file in files {
            index.files.insert(&file.path, file);
            for e in &file.enums {
                index.enums.insert(&e.full_name, EnumRef { enumeration: e, file });
            }
            for ext in &file.extensions {
                index.extensions.entry((&ext.extendee_full, ext.number)).or_insert(FieldRef {
                    field: ext,
                    file,
                    parent: None,
                });
            }
            file.walk_messages(&mut |m| {
                index.messages.insert(&m.full_name, MessageRef { message: m, file });
                for e in &m.enums {
                    index.enums.insert(&e.full_name, EnumRef { enumeration: e, file });
                }
                for ext in &m.extensions {
                    index.extensions.entry((&ext.extendee_full, ext.number)).or_insert(FieldRef {
                        field: ext,
                        file,
                        parent: Some(m),
                    });
                }
            });
            for s in &file.services {
                index.services.insert(&s.full_name, ServiceRef { service: s, file });
            }
        }
        index
    }
}

/// The previous and current inputs, indexed.
pub struct Pair<'a> {
    pub previous: Index<'a>,
    pub current: Index<'a>,
}

/// All matched element pairs, computed once for all rules.
struct Matches<'a> {
    files: Vec<(&'a ProtoFile, &'a ProtoFile)>,
    messages: Vec<(MessageRef<'a>, MessageRef<'a>)>,
    fields: Vec<(FieldRef<'a>, FieldRef<'a>)>,
    enums: Vec<(EnumRef<'a>, EnumRef<'a>)>,
    values: Vec<(ValuesRef<'a>, ValuesRef<'a>)>,
    services: Vec<(ServiceRef<'a>, ServiceRef<'a>)>,
    methods: Vec<(MethodRef<'a>, MethodRef<'a>)>,
}

fn by_number(m: &Message) -> HashMap<i64, &Field> {
    m.fields.iter().map(|f| (f.number, f)).collect()
}

impl<'a> Matches<'a> {
    fn new(pair: &Pair<'a>) -> Matches<'a> {
        let files = pair
            .previous
            .files
            .iter()
            .filter_map(|(path, prev)| pair.current.files.get(path).map(|cur| (*prev, *cur)))
            .collect();
        let mut messages: Vec<_> = pair
            .previous
            .messages
            .iter()
            .filter_map(|(name, prev)| pair.current.messages.get(name).map(|cur| (*prev, *cur)))
            .collect();
        messages.sort_by(|a, b| a.0.message.full_name.cmp(&b.0.message.full_name));
        let mut fields = Vec::new();
        for (prev, cur) in &messages {
            let current = by_number(cur.message);
            for pf in &prev.message.fields {
                if let Some(cf) = current.get(&pf.number) {
                    fields.push((
                        FieldRef { field: pf, file: prev.file, parent: Some(prev.message) },
                        FieldRef { field: cf, file: cur.file, parent: Some(cur.message) },
                    ));
                }
            }
        }
        for (key, prev) in &pair.previous.extensions {
            if let Some(cur) = pair.current.extensions.get(key) {
                fields.push((*prev, *cur));
            }
        }
        let mut enums: Vec<_> = pair
            .previous
            .enums
            .iter()
            .filter_map(|(name, prev)| pair.current.enums.get(name).map(|cur| (*prev, *cur)))
            .collect();
        enums.sort_by(|a, b| a.0.enumeration.full_name.cmp(&b.0.enumeration.full_name));
        let mut values = Vec::new();
        for (prev, cur) in &enums {
            let group = |e: EnumRef<'a>| {
                let mut map: BTreeMap<i64, Vec<_>> = BTreeMap::new();
                for v in &e.enumeration.values {
                    map.entry(v.number).or_default().push(v);
                }
                map
            };
            let (pg, mut cg) = (group(*prev), group(*cur));
            for (number, pvals) in pg {
                if let Some(cvals) = cg.remove(&number) {
                    values.push((
                        ValuesRef { enumeration: *prev, values: pvals },
                        ValuesRef { enumeration: *cur, values: cvals },
                    ));
                }
            }
        }
        let mut services: Vec<_> = pair
            .previous
            .services
            .iter()
            .filter_map(|(name, prev)| pair.current.services.get(name).map(|cur| (*prev, *cur)))
            .collect();
        services.sort_by(|a, b| a.0.service.full_name.cmp(&b.0.service.full_name));
        let mut methods = Vec::new();
        for (prev, cur) in &services {
            for pm in &prev.service.methods {
                if let Some(cm) = cur.service.methods.iter().find(|m| m.name == pm.name) {
                    methods.push((
                        MethodRef { method: pm, service: prev.service, file: prev.file },
                        MethodRef { method: cm, service: cur.service, file: cur.file },
                    ));
                }
            }
        }
        Matches { files, messages, fields, enums, values, services, methods }
    }
}

/// Runs the given rules over a pair of inputs.
pub fn run(previous: &[ProtoFile], current: &[ProtoFile], rules: &[&'static Rule]) -> Vec<RawFinding> {
    let pair = Pair { previous: Index::new(previous), current: Index::new(current) };
    let matches = Matches::new(&pair);
    rules
        .par_iter()
        .map(|rule| {
            let mut findings = Vec::new();
            let mut out = Out { rule, findings: &mut findings };
            match rule.check {
                Check::Inputs(f) => f(&pair, &mut out),
                Check::Files(f) => matches.files.iter().for_each(|(p, c)| f(p, c, &mut out)),
                Check::Messages(f) => matches.messages.iter().for_each(|(p, c)| f(*p, *c, &mut out)),
                Check::Fields(f) => matches.fields.iter().for_each(|(p, c)| f(*p, *c, &pair, &mut out)),
                Check::Enums(f) => matches.enums.iter().for_each(|(p, c)| f(*p, *c, &mut out)),
                Check::EnumValues(f) => matches.values.iter().for_each(|(p, c)| f(p, c, &mut out)),
                Check::Services(f) => matches.services.iter().for_each(|(p, c)| f(*p, *c, &mut out)),
                Check::Methods(f) => matches.methods.iter().for_each(|(p, c)| f(*p, *c, &mut out)),
                Check::Deprecated => {}
            }
            findings
        })
        .flatten()
        .collect()
}
