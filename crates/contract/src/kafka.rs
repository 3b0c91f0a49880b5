//! The Kafka a contract run talks to: a broker started with Testcontainers (apache/kafka-native
//! through testcontainers-modules, or a configurable image), an existing cluster, or
//! librdkafka's in-process mock cluster. Containers carry the `dev.schemagate.contract` label,
//! are removed when the run ends, on Ctrl-C or SIGTERM too, and `cleanup` removes leftovers.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::mocking::MockCluster;
use rdkafka::producer::DefaultProducerContext;
use serde::Deserialize;
use testcontainers_modules::kafka::apache::{KAFKA_PORT, Kafka};
use testcontainers_modules::testcontainers::bollard::Docker;
use testcontainers_modules::testcontainers::bollard::query_parameters::{
    ListContainersOptions, RemoveContainerOptions,
};
use testcontainers_modules::testcontainers::core::{ContainerPort, WaitFor};
use testcontainers_modules::testcontainers::runners::SyncRunner;
use testcontainers_modules::testcontainers::{Container, GenericImage, ImageExt};

use crate::error::ContractError;

/// The label every container of schemagate carries.
pub const LABEL: &str = "dev.schemagate.contract";
/// The label naming the run a container belongs to.
pub const RUN_LABEL: &str = "dev.schemagate.run";

/// How to reach Kafka.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Testcontainers,
    External,
    Embedded,
}

/// `contract.kafka` of schemagate.yaml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaSettings {
    #[serde(default)]
    pub mode: Option<Mode>,
    #[serde(default)]
    pub bootstrap_servers: Option<String>,
    /// librdkafka settings for every client (SASL, TLS, ...).
    #[serde(default)]
    pub config: BTreeMap<String, String>,
    #[serde(default)]
    pub image: Option<ImageSpec>,
}

/// A broker image for Testcontainers other than the default apache/kafka-native.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageSpec {
    pub name: String,
    #[serde(default = "latest")]
    pub tag: String,
    /// The container port of the Kafka listener.
    #[serde(default = "kafka_port")]
    pub port: u16,
    /// `{host_port}` in values is replaced by the published host port.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub command: Vec<String>,
    #[serde(default)]
    pub wait_log: Option<String>,
    #[serde(default = "startup_timeout")]
    pub startup_timeout_secs: u64,
}

fn latest() -> String {
    "latest".into()
}
fn kafka_port() -> u16 {
    9092
}
fn startup_timeout() -> u64 {
    90
}

impl ImageSpec {
    /// The image definition from the environment (`SCHEMAGATE_KAFKA_IMAGE` and friends), over
    /// `base` from the configuration file.
    pub fn from_env(base: Option<ImageSpec>) -> Result<Option<ImageSpec>, ContractError> {
        let var = |n: &str| std::env::var(n).ok().filter(|v| !v.trim().is_empty());
        let others: Vec<&str> =
            ["SCHEMAGATE_KAFKA_PORT", "SCHEMAGATE_KAFKA_COMMAND", "SCHEMAGATE_KAFKA_ENV", "SCHEMAGATE_KAFKA_WAIT_LOG"]
                .into_iter()
                .filter(|n| var(n).is_some())
                .collect();
        let mut spec = match (var("SCHEMAGATE_KAFKA_IMAGE"), base) {
            (None, None) if others.is_empty() => return Ok(None),
            (None, None) => {
                return Err(ContractError::Input(format!(
                    "{} set, but no image: set SCHEMAGATE_KAFKA_IMAGE (or contract.kafka.image in schemagate.yaml)",
                    others.join(", ")
                )));
            }
            (None, Some(base)) => base,
            (Some(image), base) => {
                let (name, tag) = match image.rsplit_once(':').filter(|(_, t)| !t.contains('/')) {
                    Some((n, t)) => (n.to_string(), t.to_string()),
                    None => (image.clone(), latest()),
                };
                let mut spec = base.filter(|b| b.name == name).unwrap_or(ImageSpec {
                    name,
                    tag: latest(),
                    port: kafka_port(),
                    env: BTreeMap::new(),
                    command: Vec::new(),
                    wait_log: None,
                    startup_timeout_secs: startup_timeout(),
                });
                spec.tag = tag;
                spec
            }
        };
        if let Some(port) = var("SCHEMAGATE_KAFKA_PORT") {
            spec.port = port
                .parse()
                .map_err(|_| ContractError::Input(format!("SCHEMAGATE_KAFKA_PORT={port}: not a port number")))?;
        }
        if let Some(command) = var("SCHEMAGATE_KAFKA_COMMAND") {
            spec.command = command.split_whitespace().map(str::to_string).collect();
        }
        if let Some(env) = var("SCHEMAGATE_KAFKA_ENV") {
            for pair in env.split(',').filter(|p| !p.trim().is_empty()) {
                let (k, v) = pair
                    .split_once('=')
                    .ok_or_else(|| ContractError::Input(format!("SCHEMAGATE_KAFKA_ENV: `{pair}` is not KEY=VALUE")))?;
                spec.env.insert(k.trim().to_string(), v.to_string());
            }
        }
        if let Some(wait) = var("SCHEMAGATE_KAFKA_WAIT_LOG") {
            spec.wait_log = Some(wait);
        }
        Ok(Some(spec))
    }
}

enum Guard {
    Default(Container<Kafka>),
    Generic(Container<GenericImage>),
    Mock(MockCluster<'static, DefaultProducerContext>),
    None,
}

/// How clients reach the cluster.
#[derive(Debug, Clone)]
pub struct Clients {
    pub bootstrap: String,
    pub config: BTreeMap<String, String>,
}

impl Clients {
    /// A client configuration with the run's settings.
    pub fn client_config(&self) -> ClientConfig {
        let mut c = ClientConfig::new();
        c.set("bootstrap.servers", &self.bootstrap);
        for (k, v) in &self.config {
            c.set(k, v);
        }
        c
    }
}

/// A reachable Kafka for the run.
pub struct Cluster {
    pub bootstrap: String,
    /// What was started or used, for the output ("testcontainers: image ... container ...").
    pub description: String,
    /// Settings every client gets.
    pub config: BTreeMap<String, String>,
    /// How long starting it took.
    pub startup: Duration,
    guard: Guard,
}

impl Cluster {
    /// Whether this is librdkafka's mock cluster, not a real broker.
    pub fn is_embedded(&self) -> bool {
        matches!(self.guard, Guard::Mock(_))
    }

    /// A client configuration with the run's settings.
    pub fn client_config(&self) -> ClientConfig {
        self.clients().client_config()
    }

    /// What clients need to connect, shareable between threads (the mock cluster is not).
    pub fn clients(&self) -> Clients {
        Clients { bootstrap: self.bootstrap.clone(), config: self.config.clone() }
    }

    /// Creates topics (name, partitions) unless they exist, in one request.
    pub fn create_topics(&self, topics: &[(&str, i32)]) -> Result<(), ContractError> {
        if let Guard::Mock(mock) = &self.guard {
            for (topic, partitions) in topics {
                mock.create_topic(topic, *partitions, 1)
                    .map_err(|e| ContractError::infra(format!("mock cluster: cannot create topic {topic}: {e}")))?;
            }
            return Ok(());
        }
        let admin: AdminClient<DefaultClientContext> = self
            .client_config()
            .create()
            .map_err(|e| ContractError::infra(format!("Kafka {}: {e}", self.bootstrap)))?;
        let specs: Vec<NewTopic<'_>> =
            topics.iter().map(|(t, p)| NewTopic::new(t, *p, TopicReplication::Fixed(1))).collect();
        let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
        let results = runtime()?
            .block_on(admin.create_topics(&specs, &options))
            .map_err(|e| ContractError::infra(format!("Kafka {}: cannot create topics: {e}", self.bootstrap)))?;
        for r in results {
            match r {
                Ok(_) | Err((_, rdkafka::types::RDKafkaErrorCode::TopicAlreadyExists)) => {}
                Err((name, code)) => {
                    return Err(ContractError::infra(format!(
                        "Kafka {}: cannot create topic {name}: {code}",
                        self.bootstrap
                    )));
                }
            }
        }
        Ok(())
    }

    /// Stops and removes what the run started (dropping does too, without reporting errors).
    pub fn stop(mut self) -> Result<(), ContractError> {
        let removed = match std::mem::replace(&mut self.guard, Guard::None) {
            Guard::Default(c) => c.rm(),
            Guard::Generic(c) => c.rm(),
            Guard::Mock(_) | Guard::None => Ok(()),
        };
        removed.map_err(|e| ContractError::infra(format!("cannot remove the Kafka container: {e}")))
    }
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, ContractError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ContractError::infra(format!("cannot start an async runtime: {e}")))
}

/// Whether a Docker engine answers within a few seconds.
pub fn docker_available() -> bool {
    let Ok(rt) = runtime() else { return false };
    rt.block_on(async {
        let Ok(docker) = Docker::connect_with_defaults() else { return false };
        matches!(tokio::time::timeout(Duration::from_secs(5), docker.ping()).await, Ok(Ok(_)))
    })
}

/// Starts or reaches Kafka.
pub fn start(mode: Mode, settings: &KafkaSettings, run_id: &str) -> Result<Cluster, ContractError> {
    let started = Instant::now();
    let config = settings.config.clone();
    let (bootstrap, description, guard) = match mode {
        Mode::External => {
            let bootstrap = settings.bootstrap_servers.clone().ok_or_else(|| {
                ContractError::Input(
                    "--kafka external needs --bootstrap-servers (or contract.kafka.bootstrap_servers)".into(),
                )
            })?;
            (bootstrap.clone(), format!("external cluster {bootstrap}"), Guard::None)
        }
        Mode::Embedded => {
            let mock = MockCluster::new(1)
                .map_err(|e| ContractError::infra(format!("cannot start librdkafka's mock cluster: {e}")))?;
            let bootstrap = mock.bootstrap_servers();
            (
                bootstrap,
                "embedded: librdkafka's in-process mock cluster, NOT a real Kafka broker".to_string(),
                Guard::Mock(mock),
            )
        }
        Mode::Testcontainers => {
            if !docker_available() {
                return Err(ContractError::infra(
                    "--kafka testcontainers: no Docker engine answers (DOCKER_HOST or /var/run/docker.sock); \
                     start one, or use --kafka external / embedded",
                ));
            }
            let _ = std::thread::Builder::new().name("schemagate-signals".into()).spawn({
                let run_id = run_id.to_string();
                move || remove_on_signal(&run_id)
            });
            match ImageSpec::from_env(settings.image.clone())? {
                None => start_default(run_id)?,
                Some(spec) => start_generic(&spec, run_id)?,
            }
        }
    };
    let cluster = Cluster { bootstrap, description, config, startup: Duration::ZERO, guard };
    wait_until_ready(&cluster, Duration::from_secs(60))?;
    Ok(Cluster { startup: started.elapsed(), ..cluster })
}

fn start_default(run_id: &str) -> Result<(String, String, Guard), ContractError> {
    let image = Kafka::default();
    let container = image.with_label(LABEL, "true").with_label(RUN_LABEL, run_id).start().map_err(|e| {
        ContractError::infra(format!(
            "cannot start apache/kafka-native with Testcontainers: {e} (to use an image this machine has, set \
                 SCHEMAGATE_KAFKA_IMAGE or contract.kafka.image; without a broker image, --kafka embedded)"
        ))
    })?;
    let port = container
        .get_host_port_ipv4(KAFKA_PORT)
        .map_err(|e| ContractError::infra(format!("Kafka container: no published port: {e}")))?;
    let bootstrap = format!("127.0.0.1:{port}");
    let description = format!("testcontainers: apache/kafka-native (container {})", short(container.id()));
    Ok((bootstrap, description, Guard::Default(container)))
}

fn start_generic(spec: &ImageSpec, run_id: &str) -> Result<(String, String, Guard), ContractError> {
    let host_port = free_port()?;
    let fill = |s: &str| s.replace("{host_port}", &host_port.to_string());
    let mut image = GenericImage::new(spec.name.as_str(), spec.tag.as_str())
        .with_exposed_port(ContainerPort::Tcp(spec.port))
        .with_wait_for(match &spec.wait_log {
            Some(text) => WaitFor::message_on_either_std(text.as_bytes()),
            None => WaitFor::Nothing,
        })
        .with_mapped_port(host_port, ContainerPort::Tcp(spec.port))
        .with_label(LABEL, "true")
        .with_label(RUN_LABEL, run_id)
        .with_startup_timeout(Duration::from_secs(spec.startup_timeout_secs));
    for (k, v) in &spec.env {
        image = image.with_env_var(k, fill(v));
    }
    if !spec.command.is_empty() {
        image = image.with_cmd(spec.command.iter().map(|c| fill(c)));
    }
    let container = image.start().map_err(|e| {
        ContractError::infra(format!(
            "cannot start {}:{} with Testcontainers: {e} (images are not pulled when they exist locally; \
             check `docker image ls`)",
            spec.name, spec.tag
        ))
    })?;
    let description = format!("testcontainers: {}:{} (container {})", spec.name, spec.tag, short(container.id()));
    Ok((format!("127.0.0.1:{host_port}"), description, Guard::Generic(container)))
}

fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}

/// A free TCP port on loopback: the broker must advertise the host port, so it is chosen before
/// the container starts.
fn free_port() -> Result<u16, ContractError> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| ContractError::infra(format!("no free port on loopback: {e}")))
}

/// Waits until the broker answers a metadata request.
fn wait_until_ready(cluster: &Cluster, timeout: Duration) -> Result<(), ContractError> {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    let consumer: BaseConsumer = cluster
        .client_config()
        .create()
        .map_err(|e| ContractError::infra(format!("Kafka {}: {e}", cluster.bootstrap)))?;
    let deadline = Instant::now() + timeout;
    loop {
        match consumer.fetch_metadata(None, Duration::from_secs(5)) {
            Ok(m) if !m.brokers().is_empty() => return Ok(()),
            Ok(_) => {}
            Err(e) if Instant::now() >= deadline => {
                return Err(ContractError::infra(format!(
                    "Kafka {} did not answer within {}s: {e}",
                    cluster.bootstrap,
                    timeout.as_secs()
                )));
            }
            Err(_) => {}
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether a signal interrupted the run: the process is about to exit with 130 once the run's
/// containers are removed, whatever the run itself ends with.
pub fn interrupted() -> bool {
    INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Removes the run's containers when the process is interrupted, then exits with 130.
fn remove_on_signal(run_id: &str) {
    let Ok(rt) = runtime() else { return };
    rt.block_on(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let (Ok(mut term), Ok(mut hup)) = (signal(SignalKind::terminate()), signal(SignalKind::hangup())) else {
                return;
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
        say_on_stderr("schemagate: interrupted, removing this run's containers\n");
        let _ = remove_labelled(&format!("{RUN_LABEL}={run_id}")).await;
    });
    std::process::exit(130);
}

/// Writes to file descriptor 2 directly: the CLI holds the `Stderr` lock for the whole run, so
/// `eprintln!` from the signal thread would wait for the run to end.
fn say_on_stderr(text: &str) {
    use std::io::Write as _;
    use std::os::fd::FromRawFd as _;
    // SAFETY: fd 2 stays open for the life of the process; ManuallyDrop keeps it from being closed.
    let mut fd2 = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(2) });
    let _ = fd2.write_all(text.as_bytes());
}

/// Removes every container carrying `label` (`key` or `key=value`), except those `keep`
/// selects; answers the ids removed and the ids kept.
async fn remove_labelled_except(
    label: &str,
    keep: &dyn Fn(&HashMap<String, String>) -> bool,
) -> Result<(Vec<String>, Vec<String>), ContractError> {
    let docker = Docker::connect_with_defaults()
        .map_err(|e| ContractError::infra(format!("cannot reach the Docker engine: {e}")))?;
    let options = ListContainersOptions {
        all: true,
        filters: Some(HashMap::from([("label".to_string(), vec![label.to_string()])])),
        ..Default::default()
    };
    let found = docker
        .list_containers(Some(options))
        .await
        .map_err(|e| ContractError::infra(format!("cannot list containers: {e}")))?;
    let (mut removed, mut kept) = (Vec::new(), Vec::new());
    for c in found {
        let Some(id) = c.id else { continue };
        if keep(&c.labels.unwrap_or_default()) {
            kept.push(id);
            continue;
        }
        let options = RemoveContainerOptions { force: true, v: true, ..Default::default() };
        docker
            .remove_container(&id, Some(options))
            .await
            .map_err(|e| ContractError::infra(format!("cannot remove container {}: {e}", short(&id))))?;
        removed.push(id);
    }
    Ok((removed, kept))
}

async fn remove_labelled(label: &str) -> Result<Vec<String>, ContractError> {
    remove_labelled_except(label, &|_| false).await.map(|(removed, _)| removed)
}

/// Whether the run that started a container is still going: its run label starts with the
/// process id of a process that exists (on Linux; elsewhere every run counts as ended).
fn run_alive(labels: &HashMap<String, String>) -> bool {
    let Some(pid) = labels.get(RUN_LABEL).and_then(|run| run.split('-').next()).and_then(|p| p.parse::<u32>().ok())
    else {
        return false;
    };
    pid != std::process::id() && Path::new(&format!("/proc/{pid}")).exists()
}

/// `schemagate contract cleanup`: removes schemagate's contract containers whose run has ended
/// (all of them with `all`); answers the ids removed and those of runs still going.
pub fn cleanup(all: bool) -> Result<(Vec<String>, Vec<String>), ContractError> {
    runtime()?.block_on(remove_labelled_except(LABEL, &|labels| !all && run_alive(labels)))
}

/// The `contract:` section of schemagate.yaml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractSettings {
    /// The contracts folder (default `contracts`).
    #[serde(default)]
    pub contracts: Option<String>,
    #[serde(default)]
    pub kafka: KafkaSettings,
    /// `embedded` (default) or the URL of a Schema Registry.
    #[serde(default)]
    pub registry: Option<String>,
}
