/**
 * The Python program a Notebook step runs: fixed code (nothing of the step is spliced into it). It
 * reads the notebook and the params from BATON_PARAMS_FILE, injects the step's params as a cell
 * after the one tagged `parameters` (as papermill does), executes every cell with nbclient and an
 * IPython kernel, prints each cell's outputs as it finishes, and writes the executed notebook to
 * the control dir (beside BATON_OUTPUT_FILE) whether the run succeeded or not. Exit 0 = every cell ran; 1 = a cell failed
 * (its traceback on stderr); bad params → a `baton_retryable: false` output (FATALLY_FAILED).
 */
export const NOTEBOOK_RUNNER = String.raw`
import json, keyword, os, re, sys

work = os.environ["BATON_WORK_DIR"]
# Jupyter and IPython keep their state in the attempt's work dir, not in a shared home.
for var, sub in (("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTER_DATA_DIR", "data"),
                 ("JUPYTER_CONFIG_DIR", "config"), ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "mpl")):
    os.environ[var] = os.path.join(work, ".jupyter", sub)


def give_up(message):
    """The step's params can never work: say so without a retry."""
    with open(os.environ["BATON_OUTPUT_FILE"], "w") as f:
        json.dump({"baton_retryable": False, "baton_error": message}, f)
    print(message, file=sys.stderr)
    sys.exit(2)


try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
except ImportError as e:
    print("Notebook steps need Jupyter's nbclient and ipykernel on this machine (Debian: "
          "python3-nbclient python3-ipykernel): %s" % e, file=sys.stderr)
    sys.exit(3)

with open(os.environ["BATON_PARAMS_FILE"]) as f:
    params = json.load(f)
spec = params.get("notebook")
if not isinstance(spec, dict):
    give_up("Notebook step needs a MAP param 'notebook' with 'source' (the .ipynb JSON text) or 'path'")
kernel = spec.get("kernel") or "python3"
try:
    if isinstance(spec.get("source"), str) and spec["source"].strip():
        nb = nbformat.reads(spec["source"], as_version=4)
    elif isinstance(spec.get("path") or spec.get("input_path"), str):
        nb = nbformat.read(os.path.join(work, spec.get("path") or spec["input_path"]), as_version=4)
    else:
        give_up("Notebook step needs 'notebook.source' (the .ipynb JSON text) or 'notebook.path'")
except SystemExit:
    raise
except Exception as e:  # not JSON, not a notebook, an unknown nbformat
    give_up("param 'notebook' does not hold a readable notebook: %s: %s" % (type(e).__name__, e))

# The step's own params (all but the notebook itself) as Python values, papermill-style.
lines = ["# Parameters"]
for name, value in params.items():
    if name == "notebook" or not name.isidentifier() or keyword.iskeyword(name):
        continue
    lines.append("%s = %r" % (name, value))
injected = nbformat.v4.new_code_cell("\n".join(lines))
injected.metadata["tags"] = ["injected-parameters"]
at = next((i + 1 for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), 0)
nb.cells.insert(at, injected)

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def show(cell, cell_index, execute_reply=None, **_):
    if cell.get("cell_type") != "code":
        return
    print("[cell %d]" % (cell_index + 1), flush=True)
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            (sys.stderr if out.get("name") == "stderr" else sys.stdout).write(out.get("text", ""))
        elif kind in ("execute_result", "display_data"):
            text = out.get("data", {}).get("text/plain")
            if text:
                print(text if isinstance(text, str) else "".join(text))
        elif kind == "error":
            print(ANSI.sub("", "\n".join(out.get("traceback", []))), file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()


client = NotebookClient(nb, kernel_name=kernel, timeout=None, allow_errors=False,
                        resources={"metadata": {"path": work}})
client.on_cell_executed = show
code = 0
try:
    client.execute()
except CellExecutionError as e:
    print("a cell failed: %s" % (getattr(e, "ename", "") or "error"), file=sys.stderr)
    code = 1
except Exception as e:  # the kernel died or could not start
    print("the notebook could not run: %s" % e, file=sys.stderr)
    code = 1
finally:
    # Beside the output file, in the attempt's control dir; step-runtime keeps it as the artifact.
    with open(os.path.join(os.path.dirname(os.environ["BATON_OUTPUT_FILE"]), "executed.ipynb"), "w") as f:
        nbformat.write(nb, f)
sys.exit(code)
`;
