//! Hand-written payloads, written the way the generator writes them: a prost message with a
//! reference to another file, Avro records in two versions with a referenced record, a JSON
//! Schema struct, and typed headers.

use crate::runtime::headers::{find, int_bytes, parse_int, parse_string, parse_uuid, require};
use crate::runtime::{
    CodecError, HeaderError, HeaderSet, Payload, ReferenceDef, SchemaDef, SchemaKind, WriterSchema,
    avro, wire,
};

// ---------------------------------------------------------------- Protobuf

/// `harness/common/v1/money.proto`.
pub const MONEY_PROTO: SchemaDef = SchemaDef {
    kind: SchemaKind::Protobuf,
    text: "syntax = \"proto3\";\npackage harness.common.v1;\n\nmessage Money {\n  string currency = 1;\n  int64 units = 2;\n}\n",
    references: &[],
};

/// `harness/orders/v1/order.proto`: `Order` (index 0) and `OrderCancelled` (index 1).
pub const ORDER_PROTO: SchemaDef = SchemaDef {
    kind: SchemaKind::Protobuf,
    text: "syntax = \"proto3\";\npackage harness.orders.v1;\n\nimport \"harness/common/v1/money.proto\";\n\n\
           message Order {\n  string id = 1;\n  harness.common.v1.Money total = 2;\n  repeated string items = 3;\n}\n\n\
           message OrderCancelled {\n  string id = 1;\n  string reason = 2;\n}\n",
    references: &[ReferenceDef {
        name: "harness/common/v1/money.proto",
        subject: "harness/common/v1/money.proto",
        schema: &MONEY_PROTO,
    }],
};

/// `harness.common.v1.Money`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Money {
    /// ISO currency code.
    #[prost(string, tag = "1")]
    pub currency: String,
    /// Amount in the smallest unit.
    #[prost(int64, tag = "2")]
    pub units: i64,
}

/// `harness.orders.v1.Order`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Order {
    /// Order id.
    #[prost(string, tag = "1")]
    pub id: String,
    /// Total.
    #[prost(message, optional, tag = "2")]
    pub total: Option<Money>,
    /// Item ids.
    #[prost(string, repeated, tag = "3")]
    pub items: Vec<String>,
}

/// `harness.orders.v1.OrderCancelled` (the second message of its file).
#[derive(Clone, PartialEq, prost::Message)]
pub struct OrderCancelled {
    /// Order id.
    #[prost(string, tag = "1")]
    pub id: String,
    /// Why.
    #[prost(string, tag = "2")]
    pub reason: String,
}

impl Payload for Order {
    const SCHEMA: &'static SchemaDef = &ORDER_PROTO;
    const RECORD_NAME: &'static str = "harness.orders.v1.Order";
    const MESSAGE_INDEXES: &'static [i32] = &[0];

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), CodecError> {
        wire::encode_protobuf(self, out)
    }

    fn decode(payload: &[u8], _writer: &WriterSchema) -> Result<Self, CodecError> {
        wire::decode_protobuf(payload)
    }
}

impl Payload for OrderCancelled {
    const SCHEMA: &'static SchemaDef = &ORDER_PROTO;
    const RECORD_NAME: &'static str = "harness.orders.v1.OrderCancelled";
    const MESSAGE_INDEXES: &'static [i32] = &[1];

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), CodecError> {
        wire::encode_protobuf(self, out)
    }

    fn decode(payload: &[u8], _writer: &WriterSchema) -> Result<Self, CodecError> {
        wire::decode_protobuf(payload)
    }
}

// ---------------------------------------------------------------- Avro

/// `harness.common.Money`, referenced by both order versions.
pub const MONEY_AVRO: SchemaDef = SchemaDef {
    kind: SchemaKind::Avro,
    text: r#"{"type":"record","name":"Money","namespace":"harness.common","fields":[{"name":"currency","type":"string"},{"name":"units","type":"long"}]}"#,
    references: &[],
};

const MONEY_AVRO_REF: &[ReferenceDef] = &[ReferenceDef {
    name: "harness.common.Money",
    subject: "harness.common.Money",
    schema: &MONEY_AVRO,
}];

/// `harness.avro.Order`, version 1.
pub const ORDER_AVRO_V1: SchemaDef = SchemaDef {
    kind: SchemaKind::Avro,
    text: r#"{"type":"record","name":"Order","namespace":"harness.avro","fields":[{"name":"id","type":"string"},{"name":"total","type":"harness.common.Money"}]}"#,
    references: MONEY_AVRO_REF,
};

/// `harness.avro.Order`, version 2: adds `note` and `priority`, both with defaults.
pub const ORDER_AVRO_V2: SchemaDef = SchemaDef {
    kind: SchemaKind::Avro,
    text: r#"{"type":"record","name":"Order","namespace":"harness.avro","fields":[{"name":"id","type":"string"},{"name":"total","type":"harness.common.Money"},{"name":"note","type":["null","string"],"default":null},{"name":"priority","type":"int","default":0}]}"#,
    references: MONEY_AVRO_REF,
};

/// `harness.common.Money` as Avro.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AvroMoney {
    /// ISO currency code.
    pub currency: String,
    /// Amount in the smallest unit.
    pub units: i64,
}

/// `harness.avro.Order` version 1.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AvroOrderV1 {
    /// Order id.
    pub id: String,
    /// Total.
    pub total: AvroMoney,
}

/// `harness.avro.Order` version 2.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AvroOrderV2 {
    /// Order id.
    pub id: String,
    /// Total.
    pub total: AvroMoney,
    /// Free text.
    pub note: Option<String>,
    /// Priority.
    pub priority: i32,
}

impl Payload for AvroOrderV1 {
    const SCHEMA: &'static SchemaDef = &ORDER_AVRO_V1;
    const RECORD_NAME: &'static str = "harness.avro.Order";
    const MESSAGE_INDEXES: &'static [i32] = &[];

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), CodecError> {
        avro::encode(self, Self::SCHEMA, out)
    }

    fn decode(payload: &[u8], writer: &WriterSchema) -> Result<Self, CodecError> {
        avro::decode(payload, writer, Self::SCHEMA)
    }
}

impl Payload for AvroOrderV2 {
    const SCHEMA: &'static SchemaDef = &ORDER_AVRO_V2;
    const RECORD_NAME: &'static str = "harness.avro.Order";
    const MESSAGE_INDEXES: &'static [i32] = &[];

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), CodecError> {
        avro::encode(self, Self::SCHEMA, out)
    }

    fn decode(payload: &[u8], writer: &WriterSchema) -> Result<Self, CodecError> {
        avro::decode(payload, writer, Self::SCHEMA)
    }
}

// ---------------------------------------------------------------- JSON Schema

/// The JSON Schema of [`Shipment`].
pub const SHIPMENT_JSON: SchemaDef = SchemaDef {
    kind: SchemaKind::Json,
    text: r#"{"$schema":"http://json-schema.org/draft-07/schema#","title":"harness.Shipment","type":"object","properties":{"id":{"type":"string"},"carrier":{"type":"string"},"weight_grams":{"type":"integer","minimum":0}},"required":["id","carrier","weight_grams"],"additionalProperties":false}"#,
    references: &[],
};

/// A shipment (JSON Schema).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Shipment {
    /// Shipment id.
    pub id: String,
    /// Carrier name.
    pub carrier: String,
    /// Weight.
    pub weight_grams: u32,
}

impl Payload for Shipment {
    const SCHEMA: &'static SchemaDef = &SHIPMENT_JSON;
    const RECORD_NAME: &'static str = "harness.Shipment";
    const MESSAGE_INDEXES: &'static [i32] = &[];

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), CodecError> {
        wire::encode_json(self, out)
    }

    fn decode(payload: &[u8], _writer: &WriterSchema) -> Result<Self, CodecError> {
        wire::decode_json(payload)
    }
}

// ---------------------------------------------------------------- headers

/// Typed headers: `correlation-id` (string, required), `attempt` (int), `trace-id` (uuid).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Headers {
    /// `correlation-id`.
    pub correlation_id: String,
    /// `attempt`.
    pub attempt: Option<i64>,
    /// `trace-id`.
    pub trace_id: Option<String>,
}

impl HeaderSet for Headers {
    fn to_pairs(&self) -> Vec<(&'static str, Vec<u8>)> {
        let mut pairs = vec![("correlation-id", self.correlation_id.clone().into_bytes())];
        if let Some(attempt) = self.attempt {
            pairs.push(("attempt", int_bytes(attempt)));
        }
        if let Some(trace) = &self.trace_id {
            pairs.push(("trace-id", trace.clone().into_bytes()));
        }
        pairs
    }

    fn from_pairs(pairs: &[(&str, &[u8])]) -> Result<Self, HeaderError> {
        Ok(Headers {
            correlation_id: parse_string("correlation-id", require(pairs, "correlation-id")?)?,
            attempt: find(pairs, "attempt")
                .map(|v| parse_int("attempt", v))
                .transpose()?,
            trace_id: find(pairs, "trace-id")
                .map(|v| parse_uuid("trace-id", v))
                .transpose()?,
        })
    }

    fn get(&self, name: &str) -> Option<String> {
        match name {
            "correlation-id" => Some(self.correlation_id.clone()),
            "attempt" => self.attempt.map(|a| a.to_string()),
            "trace-id" => self.trace_id.clone(),
            _ => None,
        }
    }
}
