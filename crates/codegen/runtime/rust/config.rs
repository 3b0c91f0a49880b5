//! Client configuration: the Kafka settings (passed to librdkafka as they are) and how to reach
//! the Schema Registry. `Debug` shows secrets as `<redacted>`.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::runtime::error::Error;
use crate::runtime::registry::Registry;

/// How requests to the Schema Registry authenticate.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum RegistryAuth {
    /// No credentials.
    #[default]
    None,
    /// HTTP basic authentication.
    Basic {
        /// The user.
        user: String,
        /// The password (never printed).
        password: String,
    },
    /// A bearer token (never printed).
    Bearer(String),
}

impl fmt::Debug for RegistryAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryAuth::None => f.write_str("None"),
            RegistryAuth::Basic { user, .. } => {
                write!(f, "Basic {{ user: {user:?}, password: <redacted> }}")
            }
            RegistryAuth::Bearer(_) => f.write_str("Bearer(<redacted>)"),
        }
    }
}

/// Kafka and Schema Registry settings shared by producers and consumers.
///
/// Producers and consumers made from one `Config` (or its clones) share one registry client and
/// its caches; changing a setting gives the result a client of its own.
#[derive(Clone)]
pub struct Config {
    kafka: BTreeMap<String, String>,
    registry_url: String,
    registry_auth: RegistryAuth,
    registry_ca: Option<String>,
    auto_register: bool,
    produce_timeout: Duration,
    registry: Arc<Mutex<Option<Arc<Registry>>>>,
}

/// Whether a librdkafka setting holds a secret.
pub fn is_secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.contains("password")
        || key.contains("secret")
        || key.contains("token")
        || key == "sasl.oauthbearer.config"
        || key == "ssl.key.pem"
        || key == "ssl_key"
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kafka: BTreeMap<&str, &str> = self
            .kafka
            .iter()
            .map(|(k, v)| {
                let v = if is_secret(k) {
                    "<redacted>"
                } else {
                    v.as_str()
                };
                (k.as_str(), v)
            })
            .collect();
        f.debug_struct("Config")
            .field("kafka", &kafka)
            .field("registry_url", &redact_url(&self.registry_url))
            .field("registry_auth", &self.registry_auth)
            .field("registry_ca", &self.registry_ca)
            .field("auto_register", &self.auto_register)
            .field("produce_timeout", &self.produce_timeout)
            .finish()
    }
}

/// The URL with any `user:password@` part replaced by `<redacted>@`.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(i) => url.split_at(i + 3),
        None => ("", url),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}<redacted>@{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

impl Config {
    /// Settings for a cluster and a registry; everything else at its default.
    pub fn new(bootstrap_servers: &str, registry_url: &str) -> Config {
        let mut kafka = BTreeMap::new();
        kafka.insert(
            "bootstrap.servers".to_string(),
            bootstrap_servers.to_string(),
        );
        Config {
            kafka,
            registry_url: registry_url.trim_end_matches('/').to_string(),
            registry_auth: RegistryAuth::None,
            registry_ca: None,
            auto_register: true,
            produce_timeout: Duration::from_secs(30),
            registry: Arc::default(),
        }
    }

    /// Settings from the environment: `KAFKA_BOOTSTRAP_SERVERS` and `SCHEMA_REGISTRY_URL`
    /// (required); every other `KAFKA_<NAME>` variable becomes the librdkafka setting
    /// `<name>` in lower case with `_` replaced by `.` (`KAFKA_SECURITY_PROTOCOL` ->
    /// `security.protocol`, `KAFKA_SASL_USERNAME`, `KAFKA_SASL_PASSWORD`,
    /// `KAFKA_SSL_CA_LOCATION`, ...); `SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO` (`user:password`),
    /// `SCHEMA_REGISTRY_BEARER_TOKEN` and `SCHEMA_REGISTRY_CA_LOCATION` (a PEM file).
    pub fn from_env() -> Result<Config, Error> {
        Config::from_vars(std::env::vars())
    }

    /// [`Config::from_env`] over the given variables instead of the process environment.
    pub fn from_vars<I, K, V>(vars: I) -> Result<Config, Error>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let vars: BTreeMap<String, String> = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let get = |name: &str| vars.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
        let bootstrap = get("KAFKA_BOOTSTRAP_SERVERS")
            .ok_or_else(|| Error::Config("KAFKA_BOOTSTRAP_SERVERS is not set".into()))?;
        let url = get("SCHEMA_REGISTRY_URL")
            .ok_or_else(|| Error::Config("SCHEMA_REGISTRY_URL is not set".into()))?;
        let mut config = Config::new(bootstrap, url);
        for (name, value) in &vars {
            let Some(setting) = name.strip_prefix("KAFKA_") else {
                continue;
            };
            if setting == "BOOTSTRAP_SERVERS" || setting.is_empty() {
                continue;
            }
            config = config.kafka(&setting.to_ascii_lowercase().replace('_', "."), value);
        }
        if let Some(info) = get("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO") {
            let (user, password) = info.split_once(':').ok_or_else(|| {
                Error::Config(
                    "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO is not of the form user:password".into(),
                )
            })?;
            config = config.registry_basic_auth(user, password);
        }
        if let Some(token) = get("SCHEMA_REGISTRY_BEARER_TOKEN") {
            if matches!(config.registry_auth, RegistryAuth::Basic { .. }) {
                return Err(Error::Config(
                    "both SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO and SCHEMA_REGISTRY_BEARER_TOKEN \
                     are set; use one"
                        .into(),
                ));
            }
            config = config.registry_bearer(token);
        }
        if let Some(ca) = get("SCHEMA_REGISTRY_CA_LOCATION") {
            config = config.registry_ca(ca);
        }
        Ok(config)
    }

    /// Sets any librdkafka setting (`security.protocol`, `sasl.mechanism`, `linger.ms`, ...).
    pub fn kafka(mut self, key: &str, value: &str) -> Config {
        self.kafka.insert(key.to_string(), value.to_string());
        self.fresh()
    }

    /// HTTP basic authentication for the Schema Registry.
    pub fn registry_basic_auth(mut self, user: &str, password: &str) -> Config {
        self.registry_auth = RegistryAuth::Basic {
            user: user.to_string(),
            password: password.to_string(),
        };
        self.fresh()
    }

    /// A bearer token for the Schema Registry.
    pub fn registry_bearer(mut self, token: &str) -> Config {
        self.registry_auth = RegistryAuth::Bearer(token.to_string());
        self.fresh()
    }

    /// A PEM file of certificate authorities trusted for the registry's TLS certificate, in
    /// addition to the system's.
    pub fn registry_ca(mut self, pem_path: &str) -> Config {
        self.registry_ca = Some(pem_path.to_string());
        self.fresh()
    }

    /// Whether producers register their schemas (default) or only look them up, failing when
    /// the subject does not have them.
    pub fn auto_register(mut self, yes: bool) -> Config {
        self.auto_register = yes;
        self.fresh()
    }

    /// How long a send may take, retries included (default 30 s). Also the default of
    /// librdkafka's `message.timeout.ms`.
    pub fn produce_timeout(mut self, d: Duration) -> Config {
        self.produce_timeout = d;
        self.fresh()
    }

    fn fresh(mut self) -> Config {
        self.registry = Arc::default();
        self
    }

    /// `bootstrap.servers`.
    pub fn bootstrap_servers(&self) -> &str {
        self.kafka
            .get("bootstrap.servers")
            .map(String::as_str)
            .unwrap_or("")
    }

    /// A librdkafka setting, if set.
    pub fn kafka_setting(&self, key: &str) -> Option<&str> {
        self.kafka.get(key).map(String::as_str)
    }

    /// All librdkafka settings (secrets included: do not print them).
    pub fn kafka_settings(&self) -> impl Iterator<Item = (&str, &str)> {
        self.kafka.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The registry URL as configured.
    pub fn registry_url(&self) -> &str {
        &self.registry_url
    }

    /// The registry authentication.
    pub fn registry_auth(&self) -> &RegistryAuth {
        &self.registry_auth
    }

    /// The registry CA file, if set.
    pub fn registry_ca_location(&self) -> Option<&str> {
        self.registry_ca.as_deref()
    }

    /// Whether producers register their schemas.
    pub fn auto_registers(&self) -> bool {
        self.auto_register
    }

    /// The produce timeout.
    pub fn produce_timeout_value(&self) -> Duration {
        self.produce_timeout
    }

    /// A librdkafka client configuration with every setting.
    pub fn client_config(&self) -> rdkafka::ClientConfig {
        let mut c = rdkafka::ClientConfig::new();
        for (k, v) in &self.kafka {
            c.set(k, v);
        }
        c
    }

    /// The registry client of this configuration, created on first use and shared by clones.
    pub fn registry(&self) -> Result<Arc<Registry>, Error> {
        let mut slot = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(r) = slot.as_ref() {
            return Ok(r.clone());
        }
        let r = Arc::new(Registry::new(self)?);
        *slot = Some(r.clone());
        Ok(r)
    }
}
