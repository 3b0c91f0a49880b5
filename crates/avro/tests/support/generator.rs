//! A seeded generator of schema histories: an event record of the example domain (orders,
//! payments, inventory) or a random one, then versions made by realistic and unrealistic edits.
//!
//! Schemas are built from a small model and printed to JSON, so every version is valid Avro:
//! a named type is defined where it is first used and referenced by name afterwards, and
//! defaults are derived from the field's current type. Two things are kept out on purpose,
//! where Avro Java (our target) and Python avro (the oracle) differ: named-type aliases are
//! always written fully qualified, and a field alias never matches two writer fields.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

/// SplitMix64: small, fast and the same on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn choose<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Ty {
    Prim(&'static str),
    /// A logical type on a primitive: (underlying type, logicalType).
    Logical(&'static str, &'static str),
    Decimal,
    Named(usize),
    Array(Box<Ty>),
    Map(Box<Ty>),
    Union(Vec<Ty>),
}

#[derive(Debug, Clone)]
struct Field {
    name: String,
    ty: Ty,
    default: bool,
    aliases: Vec<String>,
}

#[derive(Debug, Clone)]
enum Def {
    Record(Vec<Field>),
    Enum { symbols: Vec<String>, default: Option<String> },
    Fixed(usize),
}

#[derive(Debug, Clone)]
struct Named {
    name: String,
    namespace: Option<String>,
    aliases: Vec<String>,
    def: Def,
}

impl Named {
    fn fullname(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// One version of a schema under evolution.
#[derive(Debug, Clone)]
pub struct Model {
    types: Vec<Named>,
    root: usize,
    fresh: usize,
    namespaced: bool,
}

const PRIMS: &[&str] = &["int", "long", "float", "double", "string", "bytes", "boolean"];
const NAMESPACES: &[&str] = &["com.shop.orders", "com.shop.payments", "com.shop.inventory", "com.shop.common"];

fn prim(name: &'static str) -> Ty {
    Ty::Prim(name)
}

fn field(name: &str, ty: Ty, default: bool) -> Field {
    Field { name: name.to_string(), ty, default, aliases: vec![] }
}

fn optional(ty: Ty) -> Ty {
    Ty::Union(vec![prim("null"), ty])
}

impl Model {
    fn add_type(&mut self, name: &str, def: Def, rng: &mut Rng) -> usize {
        let namespace = self.namespaced.then(|| rng.pick(NAMESPACES).to_string());
        self.types.push(Named { name: name.to_string(), namespace, aliases: vec![], def });
        self.types.len() - 1
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    /// A first version: one of the example domain's events, or a random record.
    pub fn initial(rng: &mut Rng) -> Model {
        let mut m = Model { types: vec![], root: 0, fresh: 0, namespaced: rng.chance(60) };
        let template = rng.below(5);
        let enum_default = |rng: &mut Rng, symbols: &[&str]| rng.chance(30).then(|| symbols[0].to_string());
        let symbols = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        m.root = m.add_type("Root", Def::Record(vec![]), rng);
        let fields = match template {
            0 => {
                let status = ["PENDING", "PAID", "SHIPPED"];
                let d = enum_default(rng, &status);
                let status = m.add_type("OrderStatus", Def::Enum { symbols: symbols(&status), default: d }, rng);
                let line = m.add_type(
                    "LineItem",
                    Def::Record(vec![
                        field("sku", prim("string"), false),
                        field("quantity", prim("int"), false),
                        field("unit_price", prim("double"), true),
                    ]),
                    rng,
                );
                m.types[m.root].name = "OrderPlaced".into();
                vec![
                    field("order_id", prim("string"), false),
                    field("customer_id", prim("long"), false),
                    field("status", Ty::Named(status), rng.chance(50)),
                    field("items", Ty::Array(Box::new(Ty::Named(line))), true),
                    field("total", Ty::Decimal, false),
                    field("created_at", Ty::Logical("long", "timestamp-millis"), false),
                    field("notes", optional(prim("string")), true),
                ]
            }
            1 => {
                let methods = ["CARD", "BANK_TRANSFER", "WALLET"];
                let d = enum_default(rng, &methods);
                let method = m.add_type("PaymentMethod", Def::Enum { symbols: symbols(&methods), default: d }, rng);
                let hash = m.add_type("CardHash", Def::Fixed(16), rng);
                m.types[m.root].name = "PaymentAuthorized".into();
                vec![
                    field("payment_id", Ty::Logical("string", "uuid"), false),
                    field("order_id", prim("string"), false),
                    field("amount_cents", prim("long"), false),
                    field("method", Ty::Named(method), false),
                    field("card_hash", optional(Ty::Named(hash)), true),
                    field("risk_score", prim("float"), true),
                    field("metadata", Ty::Map(Box::new(optional(prim("string")))), true),
                ]
            }
            2 => {
                let regions = ["EU", "US", "APAC"];
                let d = enum_default(rng, &regions);
                let region = m.add_type("Region", Def::Enum { symbols: symbols(&regions), default: d }, rng);
                let warehouse = m.add_type(
                    "Warehouse",
                    Def::Record(vec![field("code", prim("string"), false), field("region", Ty::Named(region), false)]),
                    rng,
                );
                m.types[m.root].name = "StockAdjusted".into();
                vec![
                    field("sku", prim("string"), false),
                    field("warehouse", Ty::Named(warehouse), false),
                    field("delta", prim("int"), false),
                    field("levels", Ty::Map(Box::new(prim("int"))), true),
                    field("counted_on", Ty::Logical("int", "date"), false),
                ]
            }
            3 => {
                // A recursive type: a category tree with a parent link.
                m.types[m.root].name = "Category".into();
                let root = m.root;
                vec![
                    field("id", prim("int"), false),
                    field("label", prim("string"), false),
                    field("children", Ty::Array(Box::new(Ty::Named(root))), true),
                    field("parent", optional(Ty::Named(root)), true),
                ]
            }
            _ => {
                m.types[m.root].name = "Event".into();
                let count = 2 + rng.below(5);
                (0..count)
                    .map(|_| {
                        let name = m.fresh("f");
                        let ty = m.random_type(rng, 2);
                        field(&name, ty, rng.chance(40))
                    })
                    .collect()
            }
        };
        m.types[m.root].def = Def::Record(fields);
        m
    }

    fn random_prim(rng: &mut Rng) -> Ty {
        prim(rng.choose(PRIMS))
    }

    fn random_type(&mut self, rng: &mut Rng, depth: usize) -> Ty {
        let choice = if depth == 0 { rng.below(7) } else { rng.below(14) };
        match choice {
            0..=4 => Model::random_prim(rng),
            5 => rng
                .pick(&[
                    Ty::Logical("int", "date"),
                    Ty::Logical("long", "timestamp-millis"),
                    Ty::Logical("long", "timestamp-micros"),
                    Ty::Logical("string", "uuid"),
                    Ty::Decimal,
                ])
                .clone(),
            6 => optional(Model::random_prim(rng)),
            7 => Ty::Array(Box::new(self.random_type(rng, depth - 1))),
            8 => Ty::Map(Box::new(self.random_type(rng, depth - 1))),
            9 => {
                let name = self.fresh("Kind");
                let n = 1 + rng.below(4);
                let symbols: Vec<String> = (0..n).map(|_| self.fresh("S")).collect();
                let default = rng.chance(30).then(|| symbols[rng.below(n)].clone());
                Ty::Named(self.add_type(&name, Def::Enum { symbols, default }, rng))
            }
            10 => {
                let name = self.fresh("Hash");
                let size = *rng.pick(&[4, 8, 12, 16]);
                Ty::Named(self.add_type(&name, Def::Fixed(size), rng))
            }
            11 => {
                let name = self.fresh("Part");
                let n = 1 + rng.below(3);
                let fields = (0..n)
                    .map(|_| {
                        let fname = self.fresh("p");
                        let ty = self.random_type(rng, depth - 1);
                        field(&fname, ty, rng.chance(40))
                    })
                    .collect();
                Ty::Named(self.add_type(&name, Def::Record(fields), rng))
            }
            12 => {
                // A union of distinct primitive types.
                let mut branches = vec![];
                for _ in 0..2 + rng.below(2) {
                    let p = Model::random_prim(rng);
                    if !branches.contains(&p) {
                        branches.push(p);
                    }
                }
                if rng.chance(50) {
                    branches.insert(0, prim("null"));
                }
                if branches.len() < 2 { optional(branches.remove(0)) } else { Ty::Union(branches) }
            }
            _ => {
                // Reuse a named type that exists already (a reference by name).
                let named: Vec<usize> =
                    (0..self.types.len()).filter(|&i| !matches!(self.types[i].def, Def::Record(_))).collect();
                if named.is_empty() { Model::random_prim(rng) } else { optional(Ty::Named(*rng.pick(&named))) }
            }
        }
    }

    /// The records reachable from the root (the ones a field edit can touch).
    fn reachable(&self) -> Vec<usize> {
        let mut seen = vec![];
        let mut stack = vec![self.root];
        while let Some(i) = stack.pop() {
            if seen.contains(&i) {
                continue;
            }
            seen.push(i);
            if let Def::Record(fields) = &self.types[i].def {
                for f in fields {
                    collect_named(&f.ty, &mut stack);
                }
            }
        }
        seen
    }

    fn reachable_where(&self, keep: impl Fn(&Def) -> bool) -> Vec<usize> {
        self.reachable().into_iter().filter(|&i| keep(&self.types[i].def)).collect()
    }

    /// Applies one random edit; returns what it did, for failure messages.
    pub fn mutate(&mut self, rng: &mut Rng) -> String {
        let records = self.reachable_where(|d| matches!(d, Def::Record(_)));
        let record = *rng.pick(&records);
        let Def::Record(fields) = &self.types[record].def else { unreachable!() };
        let field_count = fields.len();
        let record_name = self.types[record].name.clone();
        match rng.below(16) {
            0 | 1 => {
                let name = self.fresh("added");
                let ty = self.random_type(rng, 2);
                let default = rng.chance(50);
                self.fields(record).push(field(&name, ty, default));
                format!("{record_name}: add field {name} (default: {default})")
            }
            2 if field_count > 1 => {
                let i = rng.below(field_count);
                let removed = self.fields(record).remove(i);
                format!("{record_name}: remove field {} (default: {})", removed.name, removed.default)
            }
            3 | 4 if field_count > 0 => {
                let i = rng.below(field_count);
                let old = self.fields(record)[i].ty.clone();
                let new = self.changed_type(&old, rng);
                self.fields(record)[i].ty = new.clone();
                format!("{record_name}: field {i} type {old:?} -> {new:?}")
            }
            5 if field_count > 0 => {
                let i = rng.below(field_count);
                let f = &mut self.fields(record)[i];
                f.default = !f.default;
                format!("{record_name}: field {} default {}", f.name, f.default)
            }
            6 if field_count > 0 => {
                let i = rng.below(field_count);
                let new_name = self.fresh("renamed");
                let keep_alias = rng.chance(60);
                let f = &mut self.fields(record)[i];
                if keep_alias {
                    f.aliases.push(f.name.clone());
                }
                let old = std::mem::replace(&mut f.name, new_name.clone());
                format!("{record_name}: rename field {old} -> {new_name} (alias: {keep_alias})")
            }
            7 | 8 => self.mutate_enum(rng),
            9 => {
                let fixed = self.reachable_where(|d| matches!(d, Def::Fixed(_)));
                if fixed.is_empty() {
                    return self.mutate(rng);
                }
                let t = *rng.pick(&fixed);
                let size = *rng.pick(&[4, 8, 12, 16, 32]);
                self.types[t].def = Def::Fixed(size);
                format!("{}: size {size}", self.types[t].name)
            }
            10 => {
                let named = self.reachable();
                let t = *rng.pick(&named);
                let keep_alias = rng.chance(50);
                let new_name =
                    self.fresh(&self.types[t].name.chars().filter(|c| c.is_ascii_alphabetic()).collect::<String>());
                if keep_alias {
                    let full = self.types[t].fullname();
                    self.types[t].aliases.push(full);
                }
                let old = std::mem::replace(&mut self.types[t].name, new_name.clone());
                format!("rename type {old} -> {new_name} (alias: {keep_alias})")
            }
            11 if self.namespaced => {
                let named = self.reachable();
                let t = *rng.pick(&named);
                let ns = rng.pick(NAMESPACES).to_string();
                self.types[t].namespace = Some(ns.clone());
                format!("{}: namespace {ns}", self.types[t].name)
            }
            12 | 13 if field_count > 0 => {
                let i = rng.below(field_count);
                let old = self.fields(record)[i].ty.clone();
                let new = self.changed_union(&old, rng);
                let f = &mut self.fields(record)[i];
                f.ty = new.clone();
                if matches!(&new, Ty::Union(b) if b[0] == prim("null")) && rng.chance(70) {
                    f.default = true;
                }
                format!("{record_name}: field {i} union {old:?} -> {new:?}")
            }
            14 if field_count > 0 => {
                let i = rng.below(field_count);
                let f = &mut self.fields(record)[i];
                let old = f.ty.clone();
                let new = match &old {
                    Ty::Array(items) => Ty::Map(items.clone()),
                    Ty::Map(values) => Ty::Array(values.clone()),
                    other => Ty::Array(Box::new(other.clone())),
                };
                f.ty = new.clone();
                format!("{record_name}: field {i} {old:?} -> {new:?}")
            }
            _ => {
                let name = self.fresh("opt");
                let ty = optional(Model::random_prim(rng));
                self.fields(record).push(field(&name, ty, true));
                format!("{record_name}: add optional field {name}")
            }
        }
    }

    fn fields(&mut self, record: usize) -> &mut Vec<Field> {
        match &mut self.types[record].def {
            Def::Record(fields) => fields,
            _ => unreachable!("not a record"),
        }
    }

    fn mutate_enum(&mut self, rng: &mut Rng) -> String {
        let enums = self.reachable_where(|d| matches!(d, Def::Enum { .. }));
        if enums.is_empty() {
            return "no enum to edit".into();
        }
        let t = *rng.pick(&enums);
        let sym = self.fresh("NEW");
        let name = self.types[t].name.clone();
        let Def::Enum { symbols, default } = &mut self.types[t].def else { unreachable!() };
        match rng.below(4) {
            0 => {
                symbols.push(sym.clone());
                format!("{name}: add symbol {sym}")
            }
            // Field defaults use the first symbol, so it stays; so does the enum's default.
            1 if symbols.len() > 1 => {
                let candidates: Vec<usize> =
                    (1..symbols.len()).filter(|&i| Some(&symbols[i]) != default.as_ref()).collect();
                if candidates.is_empty() {
                    return format!("{name}: nothing removable");
                }
                let removed = symbols.remove(*rng.pick(&candidates));
                format!("{name}: remove symbol {removed}")
            }
            2 => {
                let d = symbols[rng.below(symbols.len())].clone();
                *default = Some(d.clone());
                format!("{name}: default {d}")
            }
            _ => {
                *default = None;
                format!("{name}: no default")
            }
        }
    }

    fn changed_type(&mut self, old: &Ty, rng: &mut Rng) -> Ty {
        let along = |p: &str| -> &'static [&'static str] {
            match p {
                "int" => &["long", "float", "double"],
                "long" => &["float", "double"],
                "float" => &["double"],
                "string" => &["bytes"],
                "bytes" => &["string"],
                "double" => &["float", "long", "int"],
                _ => &["int", "string"],
            }
        };
        match old {
            Ty::Prim(p) if rng.chance(60) => prim(rng.choose(along(p))),
            Ty::Array(items) if rng.chance(60) => Ty::Array(Box::new(self.changed_type(items, rng))),
            Ty::Map(values) if rng.chance(60) => Ty::Map(Box::new(self.changed_type(values, rng))),
            Ty::Union(branches) if rng.chance(50) => {
                let mut branches = branches.clone();
                let i = rng.below(branches.len());
                if let Ty::Prim(p) = branches[i] {
                    let new = prim(rng.choose(along(p)));
                    if !branches.iter().any(|b| same_union_slot(b, &new)) {
                        branches[i] = new;
                    }
                }
                Ty::Union(branches)
            }
            Ty::Logical(base, _) if rng.chance(50) => {
                rng.pick(&[Ty::Logical(base, "x-custom"), prim(base), Ty::Logical("long", "timestamp-micros")]).clone()
            }
            _ => self.random_type(rng, 1),
        }
    }

    fn changed_union(&mut self, old: &Ty, rng: &mut Rng) -> Ty {
        match old {
            Ty::Union(branches) => {
                let mut branches = branches.clone();
                match rng.below(3) {
                    0 => {
                        let p = Model::random_prim(rng);
                        if !branches.iter().any(|b| same_union_slot(b, &p)) {
                            let at = rng.below(branches.len() + 1).max(1);
                            branches.insert(at, p);
                        }
                    }
                    1 if branches.len() > 2 => {
                        branches.remove(1 + rng.below(branches.len() - 1));
                    }
                    _ => {
                        // Drop the union: keep one non-null branch.
                        let kept: Vec<Ty> = branches.iter().filter(|b| **b != prim("null")).cloned().collect();
                        return kept.first().cloned().unwrap_or(prim("null"));
                    }
                }
                Ty::Union(branches)
            }
            other => {
                if rng.chance(70) {
                    optional(other.clone())
                } else {
                    let stringy = matches!(other, Ty::Prim("string") | Ty::Logical("string", _));
                    let p = if stringy { prim("long") } else { prim("string") };
                    Ty::Union(vec![other.clone(), p])
                }
            }
        }
    }

    /// The schema as Avro JSON text.
    pub fn to_json(&self) -> String {
        let mut defined = HashSet::new();
        self.named_json(self.root, &mut defined).to_string()
    }

    fn named_json(&self, i: usize, defined: &mut HashSet<usize>) -> Value {
        let t = &self.types[i];
        if !defined.insert(i) {
            return Value::String(t.fullname());
        }
        let mut o = Map::new();
        let (kind, extra): (&str, Vec<(&str, Value)>) = match &t.def {
            Def::Record(fields) => {
                let fields: Vec<Value> = fields.iter().map(|f| self.field_json(f, defined)).collect();
                ("record", vec![("fields", Value::Array(fields))])
            }
            Def::Enum { symbols, default } => {
                let mut extra = vec![("symbols", json!(symbols))];
                if let Some(d) = default {
                    extra.push(("default", json!(d)));
                }
                ("enum", extra)
            }
            Def::Fixed(size) => ("fixed", vec![("size", json!(size))]),
        };
        o.insert("type".into(), json!(kind));
        o.insert("name".into(), json!(t.name));
        if let Some(ns) = &t.namespace {
            o.insert("namespace".into(), json!(ns));
        }
        if !t.aliases.is_empty() {
            o.insert("aliases".into(), json!(t.aliases));
        }
        for (k, v) in extra {
            o.insert(k.into(), v);
        }
        Value::Object(o)
    }

    fn field_json(&self, f: &Field, defined: &mut HashSet<usize>) -> Value {
        let mut o = Map::new();
        o.insert("name".into(), json!(f.name));
        o.insert("type".into(), self.type_json(&f.ty, defined));
        if f.default
            && let Some(d) = self.default_for(&f.ty, 0)
        {
            o.insert("default".into(), d);
        }
        if !f.aliases.is_empty() {
            o.insert("aliases".into(), json!(f.aliases));
        }
        Value::Object(o)
    }

    fn type_json(&self, ty: &Ty, defined: &mut HashSet<usize>) -> Value {
        match ty {
            Ty::Prim(p) => json!(p),
            Ty::Logical(base, logical) => json!({ "type": base, "logicalType": logical }),
            Ty::Decimal => json!({ "type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2 }),
            Ty::Named(i) => self.named_json(*i, defined),
            Ty::Array(items) => json!({ "type": "array", "items": self.type_json(items, defined) }),
            Ty::Map(values) => json!({ "type": "map", "values": self.type_json(values, defined) }),
            Ty::Union(branches) => Value::Array(branches.iter().map(|b| self.type_json(b, defined)).collect()),
        }
    }

    /// A default valid for `ty` (for a union, its first branch), if one can be written.
    fn default_for(&self, ty: &Ty, depth: usize) -> Option<Value> {
        if depth > 4 {
            return None;
        }
        Some(match ty {
            Ty::Prim("null") => Value::Null,
            Ty::Prim("boolean") => json!(false),
            Ty::Prim("int" | "long") => json!(1),
            Ty::Prim("float" | "double") => json!(0.5),
            Ty::Prim(_) => json!("none"),
            Ty::Logical("string", _) => json!("00000000-0000-0000-0000-000000000000"),
            Ty::Logical(_, _) => json!(0),
            Ty::Decimal => return None,
            Ty::Array(_) => json!([]),
            Ty::Map(_) => json!({}),
            Ty::Union(branches) => return self.default_for(&branches[0], depth + 1),
            Ty::Named(i) => match &self.types[*i].def {
                Def::Enum { symbols, .. } => json!(symbols[0]),
                Def::Fixed(size) => json!("a".repeat(*size)),
                Def::Record(fields) => {
                    let mut o = Map::new();
                    for f in fields {
                        o.insert(f.name.clone(), self.default_for(&f.ty, depth + 1)?);
                    }
                    Value::Object(o)
                }
            },
        })
    }
}

/// Whether a union could not hold both: unnamed types are told apart by their underlying type
/// only (a `date` is an `int`), named types by name.
fn same_union_slot(a: &Ty, b: &Ty) -> bool {
    fn slot(t: &Ty) -> String {
        match t {
            Ty::Prim(p) | Ty::Logical(p, _) => p.to_string(),
            Ty::Decimal => "bytes".into(),
            Ty::Array(_) => "array".into(),
            Ty::Map(_) => "map".into(),
            Ty::Union(_) => "union".into(),
            Ty::Named(i) => format!("named {i}"),
        }
    }
    slot(a) == slot(b)
}

fn collect_named(ty: &Ty, out: &mut Vec<usize>) {
    match ty {
        Ty::Named(i) => out.push(*i),
        Ty::Array(t) | Ty::Map(t) => collect_named(t, out),
        Ty::Union(branches) => branches.iter().for_each(|b| collect_named(b, out)),
        _ => {}
    }
}

/// `count` histories of three versions each (one to three edits between versions).
pub fn histories(seed: u64, count: usize) -> Vec<(Vec<String>, Vec<String>)> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|_| {
            let mut model = Model::initial(&mut rng);
            let mut versions = vec![model.to_json()];
            let mut edits = vec![];
            for _ in 0..2 {
                for _ in 0..1 + rng.below(3) {
                    edits.push(model.mutate(&mut rng));
                }
                versions.push(model.to_json());
            }
            (versions, edits)
        })
        .collect()
}
