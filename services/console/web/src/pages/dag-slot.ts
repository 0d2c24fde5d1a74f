// The DAG the pages draw (web/src/dag).
export { Dag } from '../dag/dag';
