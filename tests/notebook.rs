//! examples/dataset.ipynb runs top to bottom on the sample bundle's dataset: every cell is
//! executed in a Jupyter kernel (tests/interop/run_notebook.py, nbclient), and the
//! notebook's own assertions (both engines agree, every evidence row finds its raw row,
//! the worst incident is findings.json's first) fail the test.
//! Needs `python3 -m pip install -r tests/interop/requirements.txt` (done by .ci/run).

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

/// Code cells of the notebook: the runner reports how many it executed.
fn code_cells(notebook: &Path) -> usize {
    let text = std::fs::read_to_string(notebook).expect("the notebook is readable");
    let nb: serde_json::Value = serde_json::from_str(&text).expect("the notebook is JSON");
    assert_eq!(nb["nbformat"], 4, "nbformat 4");
    let cells = nb["cells"].as_array().expect("cells");
    for c in cells.iter().filter(|c| c["cell_type"] == "code") {
        // Committed without outputs: the diff stays the source.
        assert!(
            c["outputs"].as_array().is_some_and(|o| o.is_empty()) && c["execution_count"].is_null(),
            "examples/dataset.ipynb is committed with outputs: clear them"
        );
    }
    cells.iter().filter(|c| c["cell_type"] == "code").count()
}

#[test]
fn the_example_notebook_runs_on_the_sample_dataset() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let notebook = root.join("examples/dataset.ipynb");
    let cells = code_cells(&notebook);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyze(&[&root.join("samples/WEB01_20240304_seed7.zip")], &out);
    let res = Command::new("python3")
        .arg(root.join("tests/interop/run_notebook.py"))
        .arg(&out)
        .arg(&notebook)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&res.stdout);
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert!(
        !stderr.contains("ModuleNotFoundError") && !stderr.contains("No module named"),
        "Python packages missing: run `python3 -m pip install -r tests/interop/requirements.txt`\n{stderr}"
    );
    assert!(res.status.success(), "{stdout}\n{stderr}");
    assert_eq!(
        stdout.lines().last(),
        Some(format!("notebook executed: {cells} cells").as_str()),
        "{stdout}\n{stderr}"
    );
}
