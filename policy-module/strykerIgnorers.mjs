// Mutants StrykerJS should not make, because no unit test could kill them for a reason that matters (see
// MUTATION.md). Each ignorer names the code pattern and says why; the HTML report shows that reason on every mutant
// it ignored, so nothing is hidden, only not counted.
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

const logLevels = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

/** The name an expression ends in: `log`, `deps.log` and `this.log` all end in "log". */
function lastName(node) {
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier') {
    return node.property.name;
  }
  return undefined;
}

/** A pino call such as `log.warn({ ... }, 'message')` or `deps.log.info(...)`. */
function isLogCall(node) {
  return (
    node.type === 'CallExpression' &&
    node.callee.type === 'MemberExpression' &&
    logLevels.has(lastName(node.callee) ?? '') &&
    lastName(node.callee.object) === 'log'
  );
}

/** The value of an object property with this name, such as `synapseServlet: '...'`. */
function isPropertyValue(path, name) {
  const parent = path.parentPath;
  return (
    parent?.node.type === 'ObjectProperty' &&
    parent.node.value === path.node &&
    lastName(parent.node.key) === name
  );
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'log-lines', {
    shouldIgnore(path) {
      const node = path.node;
      const onlyLogs =
        node.type === 'BlockStatement' &&
        node.body.length > 0 &&
        node.body.every(
          (statement) => statement.type === 'ExpressionStatement' && isLogCall(statement.expression),
        );
      if (
        onlyLogs ||
        isLogCall(node) ||
        (node.type === 'ExpressionStatement' && isLogCall(node.expression))
      ) {
        return 'A log line for operators (pino JSON): its wording and fields enforce no rule; what the code decided is tested where it is decided.';
      }
      return undefined;
    },
  }),
  declareValuePlugin(PluginKind.Ignore, 'synapse-servlet-names', {
    shouldIgnore(path) {
      if (isPropertyValue(path, 'synapseServlet')) {
        return "Checked against Synapse's own routes by deploy/test/integration/{gateway,federation}RouteTable.test.ts, which needs Synapse installed; the gateway never reads it.";
      }
      return undefined;
    },
  }),
  declareValuePlugin(PluginKind.Ignore, 'metric-help', {
    shouldIgnore(path) {
      if (isPropertyValue(path, 'help')) {
        return "A metric's help text for whoever reads Prometheus: documentation, not behaviour.";
      }
      return undefined;
    },
  }),
];
