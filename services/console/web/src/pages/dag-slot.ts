// The DAG the pages draw. Until web/src/dag lands on main this is the step list with the same
// props; then: `export { Dag } from '../dag/dag';`
export { StepListDag as Dag } from './step-list';
