// Runs inside autocannon's worker thread: each connection takes the next evaluator's token.
let next = 0;
const tokens = JSON.parse(process.env.BENCH_TOKENS || '[]');
module.exports = (client) => client.setHeaders({ 'content-type': 'application/json', authorization: `Bearer ${tokens[next++ % tokens.length]}` });
