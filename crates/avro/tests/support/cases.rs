//! Hand-written evolution cases of the example domain: each allowed evolution and each kind of
//! incompatibility, with the findings expected when the new version reads the old one's data.

use super::python::SchemaText;

pub struct Case {
    pub name: &'static str,
    pub old: SchemaText,
    pub new: SchemaText,
    /// (kind, path) of each incompatibility of new reading old (BACKWARD), in order.
    pub backward: Vec<(&'static str, &'static str)>,
}

fn record(name: &str, namespace: &str, fields: &str) -> String {
    format!(r#"{{"type":"record","name":"{name}","namespace":"{namespace}","fields":[{fields}]}}"#)
}

fn order(fields: &str) -> String {
    record("OrderPlaced", "com.shop.orders", fields)
}

fn payment(fields: &str) -> String {
    record("PaymentCaptured", "com.shop.payments", fields)
}

fn stock(fields: &str) -> String {
    record("StockAdjusted", "com.shop.inventory", fields)
}

const ORDER_ID: &str = r#"{"name":"order_id","type":"string"}"#;
const STATUS: &str =
    r#"{"name":"status","type":{"type":"enum","name":"OrderStatus","symbols":["PENDING","PAID","SHIPPED"]}}"#;
const LINE_ITEMS: &str = r#"{"name":"items","type":{"type":"array","items":{"type":"record","name":"LineItem","fields":[{"name":"sku","type":"string"},{"name":"quantity","type":"int"}]}}}"#;
const CATEGORY: &str = r#"{"type":"record","name":"Category","namespace":"com.shop.inventory","fields":[{"name":"code","type":"string"},{"name":"parent","type":["null","Category"],"default":null}]}"#;
const MONEY: &str = r#"{"type":"record","name":"Money","namespace":"com.shop.common","fields":[{"name":"cents","type":"long"},{"name":"currency","type":"string"}]}"#;

fn case(name: &'static str, old: String, new: String, backward: &[(&'static str, &'static str)]) -> Case {
    Case { name, old: SchemaText::plain(old), new: SchemaText::plain(new), backward: backward.to_vec() }
}

fn field(name: &str, ty: &str) -> String {
    format!(r#"{{"name":"{name}","type":{ty}}}"#)
}

fn amount(ty: &str) -> String {
    payment(&format!(r#"{ORDER_ID},{}"#, field("amount", ty)))
}

fn with_refs(mut c: Case, old_refs: &[&str], new_refs: &[&str]) -> Case {
    let named = |refs: &[&str]| refs.iter().map(|r| ("com.shop.common.Money".to_string(), r.to_string())).collect();
    c.old.references = named(old_refs);
    c.new.references = named(new_refs);
    c
}

const MISSING_DEFAULT: &str = "READER_FIELD_MISSING_DEFAULT_VALUE";
const TYPE: &str = "TYPE_MISMATCH";
const UNION: &str = "MISSING_UNION_BRANCH";
const NAME: &str = "NAME_MISMATCH";
const SYMBOLS: &str = "MISSING_ENUM_SYMBOLS";
const SIZE: &str = "FIXED_SIZE_MISMATCH";

pub fn all() -> Vec<Case> {
    let base = order(&format!("{ORDER_ID},{STATUS},{LINE_ITEMS}"));
    let status = |symbols: &str, extra: &str| {
        order(&format!(
            r#"{ORDER_ID},{{"name":"status","type":{{"type":"enum","name":"OrderStatus","symbols":[{symbols}]{extra}}}}},{LINE_ITEMS}"#
        ))
    };
    let card_hash = |name: &str, size: usize, aliases: &str| {
        payment(&format!(
            r#"{ORDER_ID},{{"name":"card","type":{{"type":"fixed","name":"{name}","size":{size}{aliases}}}}}"#
        ))
    };
    let items = |item_fields: &str| {
        order(&format!(
            r#"{ORDER_ID},{{"name":"items","type":{{"type":"array","items":{{"type":"record","name":"LineItem","fields":[{item_fields}]}}}}}}"#
        ))
    };
    let levels = |values: &str| {
        stock(&format!(
            r#"{{"name":"sku","type":"string"}},{{"name":"levels","type":{{"type":"map","values":{values}}}}}"#
        ))
    };
    let tree =
        |category: &str| stock(&format!(r#"{{"name":"sku","type":"string"}},{{"name":"category","type":{category}}}"#));
    let events = |names: &[&str]| {
        let branches: Vec<String> = names.iter().map(|n| record(n, "com.shop.orders", ORDER_ID)).collect();
        format!("[{}]", branches.join(","))
    };
    let with_money = |money_field: &str| order(&format!(r#"{ORDER_ID},{{"name":"total","type":{money_field}}}"#));

    vec![
        case("identical order event", base.clone(), base.clone(), &[]),
        case(
            "add an optional field with a null default",
            base.clone(),
            order(&format!(
                r#"{ORDER_ID},{STATUS},{LINE_ITEMS},{{"name":"coupon","type":["null","string"],"default":null}}"#
            )),
            &[],
        ),
        case(
            "add a required field without default",
            base.clone(),
            order(&format!(r#"{ORDER_ID},{STATUS},{LINE_ITEMS},{{"name":"channel","type":"string"}}"#)),
            &[(MISSING_DEFAULT, "/fields/3")],
        ),
        case(
            "add a field with a string default",
            base.clone(),
            order(&format!(r#"{ORDER_ID},{STATUS},{LINE_ITEMS},{{"name":"channel","type":"string","default":"web"}}"#)),
            &[],
        ),
        case("remove a field", base.clone(), order(&format!("{ORDER_ID},{LINE_ITEMS}")), &[]),
        case(
            "remove a field that had a default",
            order(&format!(r#"{ORDER_ID},{{"name":"gift","type":"boolean","default":false}}"#)),
            order(ORDER_ID),
            &[],
        ),
        case("reorder fields", base.clone(), order(&format!("{LINE_ITEMS},{STATUS},{ORDER_ID}")), &[]),
        case("int to long", amount(r#""int""#), amount(r#""long""#), &[]),
        case("int to float", amount(r#""int""#), amount(r#""float""#), &[]),
        case("int to double", amount(r#""int""#), amount(r#""double""#), &[]),
        case("long to float", amount(r#""long""#), amount(r#""float""#), &[]),
        case("long to double", amount(r#""long""#), amount(r#""double""#), &[]),
        case("float to double", amount(r#""float""#), amount(r#""double""#), &[]),
        case("long to int narrows", amount(r#""long""#), amount(r#""int""#), &[(TYPE, "/fields/1/type")]),
        case("double to float narrows", amount(r#""double""#), amount(r#""float""#), &[(TYPE, "/fields/1/type")]),
        case("double to long", amount(r#""double""#), amount(r#""long""#), &[(TYPE, "/fields/1/type")]),
        case("string to bytes", amount(r#""string""#), amount(r#""bytes""#), &[]),
        case("bytes to string", amount(r#""bytes""#), amount(r#""string""#), &[]),
        case("string to long", amount(r#""string""#), amount(r#""long""#), &[(TYPE, "/fields/1/type")]),
        case("boolean to int", amount(r#""boolean""#), amount(r#""int""#), &[(TYPE, "/fields/1/type")]),
        case(
            "decimal bytes read as plain bytes",
            amount(r#"{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}"#),
            amount(r#""bytes""#),
            &[],
        ),
        case(
            "timestamp millis to micros compares the underlying long",
            amount(r#"{"type":"long","logicalType":"timestamp-millis"}"#),
            amount(r#"{"type":"long","logicalType":"timestamp-micros"}"#),
            &[],
        ),
        case(
            "date to timestamp is int to long",
            amount(r#"{"type":"int","logicalType":"date"}"#),
            amount(r#"{"type":"long","logicalType":"timestamp-millis"}"#),
            &[],
        ),
        case(
            "timestamp to date narrows",
            amount(r#"{"type":"long","logicalType":"timestamp-millis"}"#),
            amount(r#"{"type":"int","logicalType":"date"}"#),
            &[(TYPE, "/fields/1/type")],
        ),
        case(
            "decimal on fixed grows its size",
            amount(r#"{"type":"fixed","name":"Cents","size":8,"logicalType":"decimal","precision":10,"scale":2}"#),
            amount(r#"{"type":"fixed","name":"Cents","size":16,"logicalType":"decimal","precision":10,"scale":2}"#),
            &[(SIZE, "/fields/1/type/size")],
        ),
        case(
            "decimal on fixed read as the plain fixed",
            amount(r#"{"type":"fixed","name":"Cents","size":8,"logicalType":"decimal","precision":10,"scale":2}"#),
            amount(r#"{"type":"fixed","name":"Cents","size":8}"#),
            &[],
        ),
        case(
            "duration read as a fixed of another name",
            amount(r#"{"type":"fixed","name":"Period","size":12,"logicalType":"duration"}"#),
            amount(r#"{"type":"fixed","name":"Interval","size":12}"#),
            &[(NAME, "/fields/1/type/name")],
        ),
        case("uuid string to string", amount(r#"{"type":"string","logicalType":"uuid"}"#), amount(r#""string""#), &[]),
        case(
            "rename a field keeping the old name as alias",
            order(&format!(r#"{ORDER_ID},{{"name":"customer","type":"long"}}"#)),
            order(&format!(r#"{ORDER_ID},{{"name":"customer_id","type":"long","aliases":["customer"]}}"#)),
            &[],
        ),
        case(
            "rename a field without alias",
            order(&format!(r#"{ORDER_ID},{{"name":"customer","type":"long"}}"#)),
            order(&format!(r#"{ORDER_ID},{{"name":"customer_id","type":"long"}}"#)),
            &[(MISSING_DEFAULT, "/fields/1")],
        ),
        case(
            "rename a field without alias but with a default",
            order(&format!(r#"{ORDER_ID},{{"name":"customer","type":"long"}}"#)),
            order(&format!(r#"{ORDER_ID},{{"name":"customer_id","type":"long","default":0}}"#)),
            &[],
        ),
        case("add an enum symbol", base.clone(), status(r#""PENDING","PAID","SHIPPED","CANCELLED""#, ""), &[]),
        case("reorder enum symbols", base.clone(), status(r#""SHIPPED","PENDING","PAID""#, ""), &[]),
        case(
            "remove an enum symbol",
            base.clone(),
            status(r#""PENDING","PAID""#, ""),
            &[(SYMBOLS, "/fields/1/type/symbols")],
        ),
        case(
            "remove an enum symbol with an enum default",
            base.clone(),
            status(r#""PENDING","PAID""#, r#","default":"PENDING""#),
            &[],
        ),
        case(
            "rename an enum without alias",
            base.clone(),
            order(&format!(
                r#"{ORDER_ID},{},{LINE_ITEMS}"#,
                STATUS.replace(r#""name":"OrderStatus""#, r#""name":"OrderState""#)
            )),
            &[(NAME, "/fields/1/type/name")],
        ),
        case(
            "rename an enum keeping an alias",
            base.clone(),
            order(&format!(
                r#"{ORDER_ID},{},{LINE_ITEMS}"#,
                STATUS.replace(
                    r#""name":"OrderStatus""#,
                    r#""name":"OrderState","aliases":["com.shop.orders.OrderStatus"]"#
                )
            )),
            &[],
        ),
        case(
            "move an enum to another namespace (unqualified names match)",
            base.clone(),
            order(&format!(
                r#"{ORDER_ID},{},{LINE_ITEMS}"#,
                STATUS.replace(r#""name":"OrderStatus""#, r#""name":"OrderStatus","namespace":"com.shop.common""#)
            )),
            &[],
        ),
        case(
            "new required enum field whose enum has a default (Avro compares it with the record)",
            base.clone(),
            order(&format!(
                r#"{ORDER_ID},{STATUS},{LINE_ITEMS},{{"name":"priority","type":{{"type":"enum","name":"Priority","symbols":["LOW","HIGH"],"default":"LOW"}}}}"#
            )),
            &[(TYPE, "/fields/3/type")],
        ),
        case(
            "fixed size grows",
            card_hash("CardHash", 16, ""),
            card_hash("CardHash", 32, ""),
            &[(SIZE, "/fields/1/type/size")],
        ),
        case(
            "fixed renamed",
            card_hash("CardHash", 16, ""),
            card_hash("CardDigest", 16, ""),
            &[(NAME, "/fields/1/type/name")],
        ),
        case(
            "fixed renamed with alias",
            card_hash("CardHash", 16, ""),
            card_hash("CardDigest", 16, r#","aliases":["com.shop.payments.CardHash"]"#),
            &[],
        ),
        case(
            "fixed renamed and resized: both reported",
            card_hash("CardHash", 16, ""),
            card_hash("CardDigest", 20, ""),
            &[(NAME, "/fields/1/type/name"), (SIZE, "/fields/1/type/size")],
        ),
        case("make a field nullable", amount(r#""long""#), amount(r#"["null","long"]"#), &[]),
        case(
            "make a field required again",
            amount(r#"["null","long"]"#),
            amount(r#""long""#),
            &[(TYPE, "/fields/1/type/0")],
        ),
        case("union grows", amount(r#"["null","long"]"#), amount(r#"["null","long","string"]"#), &[]),
        case(
            "union shrinks",
            amount(r#"["null","long","string"]"#),
            amount(r#"["null","long"]"#),
            &[(UNION, "/fields/1/type/2")],
        ),
        case("union branch promoted", amount(r#"["null","int"]"#), amount(r#"["null","long"]"#), &[]),
        case(
            "reorder union branches",
            amount(r#"["null","long","string"]"#),
            amount(r#"["string","null","long"]"#),
            &[],
        ),
        case(
            "non-union written, union read without that type",
            amount(r#""boolean""#),
            amount(r#"["null","long"]"#),
            &[(UNION, "/fields/1/type")],
        ),
        case(
            "line item quantity int to long inside an array",
            base.clone(),
            order(&format!(
                "{ORDER_ID},{STATUS},{}",
                LINE_ITEMS.replace(r#""name":"quantity","type":"int""#, r#""name":"quantity","type":"long""#)
            )),
            &[],
        ),
        case(
            "line item gains a required field",
            items(r#"{"name":"sku","type":"string"},{"name":"quantity","type":"int"}"#),
            items(
                r#"{"name":"sku","type":"string"},{"name":"quantity","type":"int"},{"name":"warehouse","type":"string"}"#,
            ),
            &[(MISSING_DEFAULT, "/fields/1/type/items/fields/2")],
        ),
        case(
            "line item sku becomes an int",
            items(r#"{"name":"sku","type":"string"},{"name":"quantity","type":"int"}"#),
            items(r#"{"name":"sku","type":"int"},{"name":"quantity","type":"int"}"#),
            &[(TYPE, "/fields/1/type/items/fields/0/type")],
        ),
        case("stock levels int to long in a map", levels(r#""int""#), levels(r#""long""#), &[]),
        case(
            "stock levels long to int in a map",
            levels(r#""long""#),
            levels(r#""int""#),
            &[(TYPE, "/fields/1/type/values")],
        ),
        case(
            "map becomes an array",
            levels(r#""int""#),
            stock(r#"{"name":"sku","type":"string"},{"name":"levels","type":{"type":"array","items":"int"}}"#),
            &[(TYPE, "/fields/1/type")],
        ),
        case(
            "rename the event record",
            order(ORDER_ID),
            record("OrderCreated", "com.shop.orders", ORDER_ID),
            &[(NAME, "/name")],
        ),
        case(
            "rename the event record with alias",
            order(ORDER_ID),
            format!(
                r#"{{"type":"record","name":"OrderCreated","namespace":"com.shop.orders","aliases":["com.shop.orders.OrderPlaced"],"fields":[{ORDER_ID}]}}"#
            ),
            &[],
        ),
        case(
            "move the event record to another namespace",
            order(ORDER_ID),
            record("OrderPlaced", "com.shop.sales", ORDER_ID),
            &[],
        ),
        case(
            "every incompatibility is reported",
            base.clone(),
            record(
                "OrderRecorded",
                "com.shop.orders",
                &format!(
                    r#"{{"name":"order_id","type":"long"}},{},{},{{"name":"channel","type":"string"}}"#,
                    STATUS.replace(r#""PENDING","PAID","SHIPPED""#, r#""PENDING""#),
                    LINE_ITEMS.replace(r#""name":"quantity","type":"int""#, r#""name":"quantity","type":"string""#)
                ),
            ),
            &[
                (NAME, "/name"),
                (TYPE, "/fields/0/type"),
                (SYMBOLS, "/fields/1/type/symbols"),
                (TYPE, "/fields/2/type/items/fields/1/type"),
                (MISSING_DEFAULT, "/fields/3"),
            ],
        ),
        case("recursive category unchanged", tree(CATEGORY), tree(CATEGORY), &[]),
        case(
            "recursive category gains an optional field",
            tree(CATEGORY),
            tree(&CATEGORY.replace(
                r#"{"name":"code","type":"string"}"#,
                r#"{"name":"code","type":"string"},{"name":"label","type":"string","default":""}"#,
            )),
            &[],
        ),
        case(
            "recursive category gains a required field",
            tree(CATEGORY),
            tree(&CATEGORY.replace(
                r#"{"name":"code","type":"string"}"#,
                r#"{"name":"code","type":"string"},{"name":"label","type":"string"}"#,
            )),
            &[(MISSING_DEFAULT, "/fields/1/type/fields/1")],
        ),
        case(
            "recursive category code becomes an int",
            tree(CATEGORY),
            tree(&CATEGORY.replace(r#"{"name":"code","type":"string"}"#, r#"{"name":"code","type":"int"}"#)),
            &[(TYPE, "/fields/1/type/fields/0/type")],
        ),
        case("top-level int to long", r#""int""#.into(), r#""long""#.into(), &[]),
        case("top-level long to int", r#""long""#.into(), r#""int""#.into(), &[(TYPE, "/")]),
        case("top-level string to nullable string", r#""string""#.into(), r#"["null","string"]"#.into(), &[]),
        case(
            "union of events gains an event",
            events(&["OrderPlaced", "OrderCancelled"]),
            events(&["OrderPlaced", "OrderCancelled", "OrderShipped"]),
            &[],
        ),
        case(
            "union of events loses an event",
            events(&["OrderPlaced", "OrderCancelled"]),
            events(&["OrderPlaced"]),
            &[(UNION, "/1")],
        ),
        case("record written, union of records read", order(ORDER_ID), events(&["OrderCancelled", "OrderPlaced"]), &[]),
        case(
            "record written, union without it read",
            order(ORDER_ID),
            events(&["OrderCancelled", "OrderShipped"]),
            &[(UNION, "/")],
        ),
        case(
            "record becomes an enum",
            payment(r#"{"name":"method","type":{"type":"record","name":"Method","fields":[]}}"#),
            payment(r#"{"name":"method","type":{"type":"enum","name":"Method","symbols":["CARD"]}}"#),
            &[(TYPE, "/fields/0/type")],
        ),
        with_refs(
            case(
                "referenced money type gains a defaulted field",
                with_money(r#""com.shop.common.Money""#),
                with_money(r#""com.shop.common.Money""#),
                &[],
            ),
            &[MONEY],
            &[&MONEY.replace(
                r#"{"name":"currency","type":"string"}"#,
                r#"{"name":"currency","type":"string"},{"name":"rounded","type":"boolean","default":false}"#,
            )],
        ),
        with_refs(
            case(
                "referenced money cents become an int",
                with_money(r#""com.shop.common.Money""#),
                with_money(r#""com.shop.common.Money""#),
                &[(TYPE, "/fields/1/type/fields/0/type")],
            ),
            &[MONEY],
            &[&MONEY.replace(r#"{"name":"cents","type":"long"}"#, r#"{"name":"cents","type":"int"}"#)],
        ),
        with_refs(
            case(
                "inline money replaced by the shared reference",
                with_money(MONEY),
                with_money(r#""com.shop.common.Money""#),
                &[],
            ),
            &[],
            &[MONEY],
        ),
    ]
}
