//! The CI templates in ci-templates/ run for real: their shell steps, exactly as written, on a
//! scratch repository holding this repository's example domain (the demo baseline commit on
//! `main`, today's schemas and contracts on a pull-request branch), installing schemagate from a
//! release archive (`file://` URL) of the binary under test. They must reach the same verdict as
//! the README's first command (`check --against 'git::/schemagate-demo-baseline'`: 3 breaking
//! changes, exit 1) and write every report their CI system is told to collect.
//!
//! What is emulated, not run: GitHub's `uses:` steps (actions/cache, actions/upload-artifact,
//! codeql-action/upload-sarif: their inputs are checked and their outputs given), the `gh` CLI
//! (a stub that records the calls), GitLab's and Jenkins' own runners (the scripts run in bash
//! with the variables those runners set). Not covered: installing with `cargo install --git`
//! (a full build per test). Lint: actionlint on the action and the example workflow,
//! shellcheck on every script, GitLab's CI JSON schema on the GitLab file (scripts/test.sh
//! installs the tools; without them these parts are skipped with a note unless
//! SCHEMAGATE_REQUIRE_CI_TOOLS=1).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn templates() -> PathBuf {
    repo().join("ci-templates")
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
}

fn ok(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn git(dir: &Path, args: &[&str]) -> String {
    ok(Command::new("git").args(args).current_dir(dir))
}

/// A tool on PATH, or a skip note (a failure with SCHEMAGATE_REQUIRE_CI_TOOLS=1).
fn tool(name: &str) -> bool {
    let found =
        Command::new("sh").args(["-c", &format!("command -v {name}")]).output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("SCHEMAGATE_REQUIRE_CI_TOOLS").as_deref() != Ok("1"),
            "SCHEMAGATE_REQUIRE_CI_TOOLS=1 but `{name}` is not on PATH (scripts/test.sh installs it)"
        );
        eprintln!("skipped: `{name}` is not on PATH (scripts/test.sh installs it)");
    }
    found
}

/// The scratch repository: `main` holds the demo baseline's schemas, branch `feature` today's
/// schemas and contracts; `origin` is a bare clone whose `main` the templates must fetch.
struct Fixture {
    _tmp: tempfile::TempDir,
    work: PathBuf,
    archive_url: String,
    tmp: PathBuf,
}

fn fixture() -> Option<Fixture> {
    let real = repo();
    let baseline = Command::new("git")
        .args(["rev-parse", "--verify", "--quiet", ":/schemagate-demo-baseline"])
        .current_dir(&real)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let Some(baseline) = baseline else {
        eprintln!("skipped: the demo baseline commit is not in this clone (shallow?)");
        return None;
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    let work = root.join("work");
    std::fs::create_dir_all(&work).unwrap();
    git(&work, &["init", "-q", "-b", "main"]);
    git(&work, &["config", "user.email", "ci@example.invalid"]);
    git(&work, &["config", "user.name", "ci"]);
    let tar = root.join("baseline.tar");
    ok(Command::new("git")
        .args(["archive", "--format=tar", "-o"])
        .arg(&tar)
        .args([&baseline, "schemas"])
        .current_dir(&real));
    ok(Command::new("tar").arg("-xf").arg(&tar).current_dir(&work));
    std::fs::copy(real.join("schemagate.yaml"), work.join("schemagate.yaml")).unwrap();
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "-m", "the example domain, version 1"]);
    ok(Command::new("git").args(["init", "-q", "--bare"]).arg(root.join("origin.git")));
    git(&work, &["remote", "add", "origin", root.join("origin.git").to_str().unwrap()]);
    git(&work, &["push", "-q", "origin", "main"]);
    git(&work, &["checkout", "-q", "-b", "feature"]);
    std::fs::remove_dir_all(work.join("schemas")).unwrap();
    ok(Command::new("cp").arg("-r").arg(real.join("schemas")).arg(real.join("contracts")).arg(&work));
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "-m", "a pull request"]);
    // As on a CI checkout of the pull-request branch: the target branch is fetched by the template.
    git(&work, &["update-ref", "-d", "refs/remotes/origin/main"]);
    // A release archive of the binary under test.
    let dist = root.join("dist/schemagate-x86_64-unknown-linux-gnu");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_schemagate"), dist.join("schemagate")).unwrap();
    let archive = root.join("schemagate.tar.gz");
    ok(Command::new("tar").arg("-czf").arg(&archive).arg("-C").arg(root.join("dist")).arg("."));
    Some(Fixture { archive_url: format!("file://{}", archive.display()), work, tmp: root, _tmp: tmp })
}

/// The findings of `check --format json` as (rule, path, line, message).
fn verdict(dir: &Path, against: &str) -> (i32, Vec<(String, String, u64, String)>) {
    let out = run(Command::new(env!("CARGO_BIN_EXE_schemagate"))
        .args(["check", "--against", against, "--format", "json"])
        .current_dir(dir));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_string();
            (s("rule"), s("path"), f["start_line"].as_u64().unwrap(), s("message"))
        })
        .collect();
    (out.status.code().unwrap(), findings)
}

/// The templates' verdict is the README command's verdict.
fn assert_same_verdict_as_readme(fx: &Fixture) {
    let expected = verdict(&repo(), "git::/schemagate-demo-baseline");
    assert_eq!(expected.0, 1);
    assert_eq!(expected.1.iter().filter(|f| !f.0.starts_with("SCHEMA_WITHOUT")).count(), 3);
    assert_eq!(verdict(&fx.work, "git:origin/main"), expected, "the fixture is the example domain");
}

fn yaml(path: &Path) -> Value {
    yaml_serde::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn shellcheck(name: &str, script: &str) {
    if !tool("shellcheck") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, format!("#!/usr/bin/env bash\n{script}")).unwrap();
    let out = run(Command::new("shellcheck").arg("--severity=style").arg(&file));
    assert!(out.status.success(), "shellcheck {name}:\n{}", String::from_utf8_lossy(&out.stdout));
}

// ---------------------------------------------------------------- GitHub Actions

/// What a composite action's steps see: inputs, step outputs, the runner's folders.
struct Actions<'a> {
    action: Value,
    inputs: HashMap<&'a str, String>,
    outputs: HashMap<String, HashMap<String, String>>,
    runner_temp: PathBuf,
    cache_hit: bool,
    artifact_url: &'a str,
}

impl Actions<'_> {
    /// `${{ … }}`: the contexts this action uses; anything else fails the test, so the action
    /// cannot depend on what the test does not emulate.
    fn eval(&self, expr: &str) -> String {
        let expr = expr.trim();
        if let Some(name) = expr.strip_prefix("inputs.") {
            return match self.inputs.get(name) {
                Some(v) => v.clone(),
                None => {
                    let default = &self.action["inputs"][name]["default"];
                    assert!(!self.action["inputs"][name].is_null(), "unknown input {name}");
                    self.expand(default.as_str().unwrap_or(""))
                }
            };
        }
        if let Some(rest) = expr.strip_prefix("steps.") {
            let (id, output) = rest.split_once(".outputs.").unwrap_or_else(|| panic!("unsupported {expr}"));
            return self.outputs.get(id).and_then(|o| o.get(output)).cloned().unwrap_or_default();
        }
        match expr {
            "runner.temp" => self.runner_temp.display().to_string(),
            "github.token" => "test-token".into(),
            "github.event.pull_request.number" => "7".into(),
            _ => panic!("the test does not emulate the expression `{expr}`"),
        }
    }

    fn expand(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").unwrap() + start;
            out.push_str(&self.eval(&rest[start + 3..end]));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// `if:` as this action writes it: `A == 'x'` and `A != 'x'` joined by `&&`.
    fn condition(&self, cond: &str) -> bool {
        cond.split("&&").all(|part| {
            let (lhs, rhs, equal) = match part.split_once("==") {
                Some((l, r)) => (l, r, true),
                None => {
                    let (l, r) = part.split_once("!=").unwrap_or_else(|| panic!("unsupported condition {part}"));
                    (l, r, false)
                }
            };
            let rhs = rhs.trim().trim_matches('\'');
            (self.eval(lhs) == rhs) == equal
        })
    }
}

struct StepRun {
    name: String,
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the action's steps like a runner: `run:` steps in bash with GitHub's variables, `uses:`
/// steps emulated. Stops at the first failing step, as a runner does.
fn run_action(
    fx: &Fixture,
    inputs: &[(&'static str, String)],
    cache_hit: bool,
    gh_existing: Option<&str>,
) -> (Vec<StepRun>, PathBuf) {
    let action = yaml(&templates().join("github/action.yml"));
    let runner_temp = fx.tmp.join("runner-temp");
    std::fs::create_dir_all(&runner_temp).unwrap();
    let stub = fx.tmp.join("gh-stub");
    std::fs::create_dir_all(&stub).unwrap();
    std::fs::write(
        stub.join("gh"),
        "#!/usr/bin/env bash\nlog=\"$GH_STUB_DIR/calls.log\"\necho \"$*\" >> \"$log\"\nn=$(wc -l < \"$log\")\n\
         for a in \"$@\"; do case $a in body=@*) cp \"${a#body=@}\" \"$GH_STUB_DIR/body-$n.md\" ;; esac; done\n\
         case \"$*\" in *--paginate*) if [ -n \"${GH_STUB_EXISTING:-}\" ]; then echo \"$GH_STUB_EXISTING\"; fi ;; esac\n",
    )
    .unwrap();
    ok(Command::new("chmod").arg("+x").arg(stub.join("gh")));
    let mut ctx = Actions {
        action: action.clone(),
        inputs: inputs.iter().map(|(k, v)| (*k, v.clone())).collect(),
        outputs: HashMap::new(),
        runner_temp: runner_temp.clone(),
        cache_hit,
        artifact_url: "https://github.invalid/acme/shop/actions/runs/1/artifacts/1",
    };
    let mut path_dirs: Vec<String> = vec![stub.display().to_string()];
    let mut runs = Vec::new();
    for (n, step) in action["runs"]["steps"].as_array().unwrap().iter().enumerate() {
        let name = step["name"].as_str().unwrap_or("").to_string();
        let id = step["id"].as_str().map(str::to_string).unwrap_or_else(|| format!("__{n}"));
        if let Some(cond) = step["if"].as_str()
            && !ctx.condition(cond)
        {
            continue;
        }
        let with = |key: &str| ctx.expand(step["with"][key].as_str().unwrap_or_else(|| panic!("{name}: with.{key}")));
        if let Some(uses) = step["uses"].as_str() {
            let mut out = HashMap::new();
            if uses.starts_with("actions/cache@") {
                assert!(!with("key").is_empty() && with("path").starts_with(&runner_temp.display().to_string()));
                out.insert("cache-hit".to_string(), if ctx.cache_hit { "true".into() } else { String::new() });
            } else if uses.starts_with("actions/upload-artifact@") {
                let dir = PathBuf::from(with("path"));
                assert!(
                    std::fs::read_dir(&dir).is_ok_and(|mut d| d.next().is_some()),
                    "{name}: nothing at {}",
                    dir.display()
                );
                out.insert("artifact-url".to_string(), ctx.artifact_url.to_string());
            } else if uses.starts_with("github/codeql-action/upload-sarif@") {
                let sarif: Value = serde_json::from_str(&std::fs::read_to_string(with("sarif_file")).unwrap()).unwrap();
                assert_eq!(sarif["version"], "2.1.0", "{name}");
            } else {
                panic!("the test does not emulate `uses: {uses}`");
            }
            ctx.outputs.insert(id, out);
            continue;
        }
        let script = step["run"].as_str().unwrap();
        assert!(!script.contains("${{"), "{name}: expressions reach scripts through env:, not inline");
        let output_file = runner_temp.join(format!("output-{n}"));
        let path_file = runner_temp.join(format!("path-{n}"));
        std::fs::write(&output_file, "").unwrap();
        std::fs::write(&path_file, "").unwrap();
        let script_file = runner_temp.join(format!("step-{n}.sh"));
        std::fs::write(&script_file, script).unwrap();
        let cwd = fx.work.join(step["working-directory"].as_str().map(|w| ctx.expand(w)).unwrap_or_else(|| ".".into()));
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"]).arg(&script_file).current_dir(&cwd).env_clear();
        let system_path = std::env::var("PATH").unwrap_or_default();
        cmd.env("PATH", format!("{}:{system_path}", path_dirs.join(":")))
            .env("HOME", fx.tmp.join("home"))
            .env("GITHUB_ACTION_PATH", templates().join("github"))
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_PATH", &path_file)
            .env("GITHUB_STEP_SUMMARY", runner_temp.join("summary.md"))
            .env("GITHUB_BASE_REF", "main")
            .env("GITHUB_REPOSITORY", "acme/shop")
            .env("GITHUB_WORKSPACE", &fx.work)
            .env("RUNNER_TEMP", &runner_temp)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("GH_STUB_DIR", &stub);
        if let Some(id) = gh_existing {
            cmd.env("GH_STUB_EXISTING", id);
        }
        if let Some(env) = step["env"].as_object() {
            for (k, v) in env {
                cmd.env(k, ctx.expand(v.as_str().unwrap()));
            }
        }
        let out = run(&mut cmd);
        let outputs: HashMap<String, String> = std::fs::read_to_string(&output_file)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
            .collect();
        ctx.outputs.insert(id, outputs);
        path_dirs.splice(0..0, std::fs::read_to_string(&path_file).unwrap().lines().map(str::to_string).rev());
        let code = out.status.code().unwrap_or(-1);
        runs.push(StepRun {
            name,
            code,
            stdout: String::from_utf8_lossy(&out.stdout).into(),
            stderr: String::from_utf8_lossy(&out.stderr).into(),
        });
        if code != 0 {
            break;
        }
    }
    (runs, stub)
}

fn step<'a>(runs: &'a [StepRun], name: &str) -> &'a StepRun {
    runs.iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("step `{name}` did not run: {:?}", runs.iter().map(|r| &r.name).collect::<Vec<_>>()))
}

#[test]
fn github_action_runs_the_gate_uploads_the_reports_and_comments() {
    let Some(fx) = fixture() else { return };
    let (runs, stub) = run_action(&fx, &[("archive-url", fx.archive_url.clone())], false, None);
    for r in &runs[..runs.len() - 1] {
        assert_eq!(r.code, 0, "step `{}`: {}{}", r.name, r.stdout, r.stderr);
    }
    let last = runs.last().unwrap();
    assert_eq!((last.name.as_str(), last.code), ("The gate's verdict", 1), "the job fails like the README command");
    let gate = step(&runs, "Run the gate");
    assert!(gate.stdout.contains("::error file=schemas/proto/acme/orders/v1/order.proto,line=36"), "{}", gate.stdout);
    let out = fx.tmp.join("runner-temp/schemagate-out");
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(out.join("schemagate.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 4);
    assert!(std::fs::read_to_string(out.join("schemagate-junit.xml")).unwrap().contains("FIELD_SAME_TYPE"));
    assert!(std::fs::read_to_string(out.join("schemagate-review.html")).unwrap().contains("The gate fails"));
    // The comment: posted once, with the blast radius and a link to the artifact.
    let calls = std::fs::read_to_string(stub.join("calls.log")).unwrap();
    let lines: Vec<&str> = calls.lines().collect();
    assert_eq!(lines.len(), 2, "{calls}");
    assert!(lines[0].starts_with("api --paginate repos/acme/shop/issues/7/comments --jq"), "{calls}");
    assert!(lines[0].contains("startswith(\"<!-- schemagate-review -->\")"));
    assert!(lines[1].starts_with("api --method POST repos/acme/shop/issues/7/comments -F body=@"), "{calls}");
    let body = std::fs::read_to_string(stub.join("body-2.md")).unwrap();
    assert!(
        body.contains("read by **inventory-service**")
            && body.contains("[the HTML review](https://github.invalid/acme/shop/actions/runs/1/artifacts/1)")
    );
    assert_same_verdict_as_readme(&fx);

    // The next push: the binary comes from the cache and the comment is updated, not repeated.
    std::fs::remove_file(stub.join("calls.log")).unwrap();
    let (runs, stub) = run_action(&fx, &[("archive-url", fx.archive_url.clone())], true, Some("4242"));
    assert!(step(&runs, "Install schemagate").stdout.contains("restored from the cache"));
    assert_eq!(runs.last().unwrap().code, 1);
    let calls = std::fs::read_to_string(stub.join("calls.log")).unwrap();
    assert!(
        calls.lines().nth(1).unwrap().starts_with("api --method PATCH repos/acme/shop/issues/comments/4242 -F body=@"),
        "{calls}"
    );
}

#[test]
fn github_action_refuses_to_guess_where_schemagate_comes_from() {
    let Some(fx) = fixture() else { return };
    let (runs, _) = run_action(&fx, &[], false, None);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].code, 2);
    assert!(runs[0].stderr.contains("set the input archive-url"), "{}", runs[0].stderr);
    let (runs, _) = run_action(&fx, &[("archive-url", "file:///nowhere/schemagate.tar.gz".into())], false, None);
    let install = step(&runs, "Install schemagate");
    assert_ne!(install.code, 0, "a wrong URL fails the install");
}

#[test]
fn github_files_pass_actionlint_and_shellcheck() {
    for script in ["install.sh", "gate.sh", "comment.sh"] {
        let text = std::fs::read_to_string(templates().join("github").join(script)).unwrap();
        shellcheck(script, &text);
    }
    if !tool("actionlint") {
        return;
    }
    // Laid out as a user copies them: the workflow and the action it uses by path.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
    std::fs::create_dir_all(root.join(".github/actions")).unwrap();
    ok(Command::new("cp").arg("-r").arg(templates().join("github")).arg(root.join(".github/actions/schemagate")));
    std::fs::copy(templates().join("github/workflow.yml"), root.join(".github/workflows/schemagate.yml")).unwrap();
    let out = run(Command::new("actionlint").arg("-no-color").current_dir(root));
    assert!(
        out.status.success(),
        "actionlint:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The same check finds a mistake (an input the action does not have).
    let wf = std::fs::read_to_string(root.join(".github/workflows/schemagate.yml")).unwrap();
    std::fs::write(root.join(".github/workflows/schemagate.yml"), wf.replace("git-tag:", "git-version:")).unwrap();
    let out = run(Command::new("actionlint").arg("-no-color").current_dir(root));
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stdout).contains("git-version"));
}

// ---------------------------------------------------------------- GitLab CI

fn gitlab_job() -> Value {
    yaml(&templates().join("gitlab/schemagate.gitlab-ci.yml"))["schemagate"].clone()
}

fn gitlab_script(job: &Value) -> String {
    let lines = |key: &str| {
        job[key]
            .as_array()
            .map(|a| a.iter().map(|l| l.as_str().unwrap().to_string()).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    [lines("before_script"), lines("script")].concat().join("\n")
}

fn run_gitlab(fx: &Fixture, job: &Value) -> Output {
    let mut cmd = Command::new("bash");
    // The runner stops at the first failing command of the job's script.
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &gitlab_script(job)]).current_dir(&fx.work);
    for (k, v) in job["variables"].as_object().unwrap() {
        cmd.env(k, v.as_str().unwrap());
    }
    cmd.env("CI_PROJECT_DIR", &fx.work)
        .env("CI_PIPELINE_SOURCE", "merge_request_event")
        .env("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main")
        .env("SCHEMAGATE_ARCHIVE_URL", &fx.archive_url);
    run(&mut cmd)
}

#[test]
fn gitlab_job_writes_code_quality_junit_and_the_review() {
    let Some(fx) = fixture() else { return };
    let job = gitlab_job();
    assert!(job["rules"][0]["if"].as_str().unwrap().contains("merge_request_event"));
    let out = run_gitlab(&fx, &job);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_same_verdict_as_readme(&fx);
    // Every report the job hands to GitLab exists.
    let artifacts = &job["artifacts"];
    assert_eq!(artifacts["when"], "always", "reports are kept when the gate fails");
    let mut files: Vec<String> =
        artifacts["paths"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
    files.extend(artifacts["reports"].as_object().unwrap().values().map(|p| p.as_str().unwrap().to_string()));
    for f in &files {
        assert!(fx.work.join(f).is_file(), "{f} not written");
    }
    let quality: Value = serde_json::from_str(
        &std::fs::read_to_string(fx.work.join(artifacts["reports"]["codequality"].as_str().unwrap())).unwrap(),
    )
    .unwrap();
    let issues = quality.as_array().unwrap();
    assert_eq!(issues.len(), 4);
    assert_eq!(issues.iter().filter(|i| i["severity"] == "major").count(), 3);
    for i in issues {
        assert!(i["fingerprint"].as_str().is_some_and(|f| f.len() == 16) && i["location"]["path"].is_string());
    }
    // The next pipeline reuses the cached binary.
    let again = run_gitlab(&fx, &job);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stdout).contains("schemagate restored from the cache"));
}

#[test]
fn gitlab_file_matches_gitlabs_ci_schema_and_shellcheck() {
    shellcheck("gitlab.sh", &gitlab_script(&gitlab_job()));
    let schema = std::env::var("SCHEMAGATE_GITLAB_CI_SCHEMA")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo().join("target/test-deps/gitlab-ci.json"));
    if !schema.is_file() {
        assert!(
            std::env::var("SCHEMAGATE_REQUIRE_CI_TOOLS").as_deref() != Ok("1"),
            "GitLab's CI schema not at {} (scripts/test.sh extracts it from npm gitlab-ci-local)",
            schema.display()
        );
        eprintln!("skipped: GitLab's CI schema not at {} (scripts/test.sh fetches it)", schema.display());
        return;
    }
    let document = yaml(&templates().join("gitlab/schemagate.gitlab-ci.yml"));
    let validate = |doc: &Value| {
        use std::io::Write;
        let script =
            "import json,sys,jsonschema\njsonschema.validate(json.load(sys.stdin), json.load(open(sys.argv[1])))\n";
        let mut child = Command::new("python3")
            .args(["-c", script])
            .arg(&schema)
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("python3 with jsonschema");
        child.stdin.take().unwrap().write_all(doc.to_string().as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let out = validate(&document);
    assert!(out.status.success(), "GitLab CI schema: {}", String::from_utf8_lossy(&out.stderr));
    let mut wrong = document.clone();
    wrong["schemagate"]["artifacts"]["expose_as"] = Value::from(3);
    assert!(!validate(&wrong).status.success(), "the schema check can fail");
}

// ---------------------------------------------------------------- Jenkins

/// The `sh '''…'''` steps of the Jenkinsfile, in order (no Groovy escapes are used in them).
fn jenkins_steps() -> Vec<String> {
    let text = std::fs::read_to_string(templates().join("jenkins/Jenkinsfile")).unwrap();
    let mut steps = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("sh '''") {
        let body = &rest[start + 6..];
        let end = body.find("'''").unwrap();
        assert!(!body[..end].contains('\\'), "a backslash would be a Groovy escape");
        steps.push(body[..end].to_string());
        rest = &body[end + 3..];
    }
    steps
}

#[test]
fn jenkins_steps_run_the_gate_and_write_what_post_publishes() {
    let Some(fx) = fixture() else { return };
    let text = std::fs::read_to_string(templates().join("jenkins/Jenkinsfile")).unwrap();
    let steps = jenkins_steps();
    assert_eq!(steps.len(), 2);
    let mut codes = Vec::new();
    for s in &steps {
        shellcheck("jenkins.sh", s);
        let out = run(Command::new("bash")
            .args(["-c", s])
            .current_dir(&fx.work)
            .env("WORKSPACE", &fx.work)
            .env("CHANGE_TARGET", "main")
            .env("SCHEMAGATE_CONFIG", "schemagate.yaml")
            .env("SCHEMAGATE_ARCHIVE_URL", &fx.archive_url));
        codes.push(out.status.code().unwrap());
        if !out.status.success() {
            assert!(String::from_utf8_lossy(&out.stdout).contains("FIELD_SAME_TYPE"));
        }
    }
    assert_eq!(codes, [0, 1]);
    assert!(text.contains("SCHEMAGATE_CONFIG = 'schemagate.yaml'"));
    assert_same_verdict_as_readme(&fx);
    // What `post { always { … } }` collects exists.
    let quoted = |key: &str| -> Vec<String> {
        let at = text.find(key).unwrap_or_else(|| panic!("{key} missing")) + key.len();
        let value = &text[at..];
        let value = &value[value.find('\'').unwrap() + 1..];
        value[..value.find('\'').unwrap()].split(',').map(|s| s.trim().to_string()).collect()
    };
    for f in [quoted("testResults:"), quoted("archiveArtifacts artifacts:"), quoted("reportFiles:")].concat() {
        assert!(fx.work.join(&f).is_file(), "{f} not written");
    }
}
