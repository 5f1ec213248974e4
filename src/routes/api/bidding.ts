import { Hono } from 'hono';
import { type AppEnv, dbOf } from '../../context.ts';
import { readJson } from '../../http/json.ts';
import {
  bidInput,
  biddingInput,
  biddingView,
  bidsView,
  decideInvestigation,
  decisionInput,
  openRound,
  ownBids,
  paperBidInput,
  recordPaperBid,
  requireBidding,
  roundInput,
  setBidding,
  startRebid,
  submitBid,
} from '../../services/bidding.ts';
import { loadCase } from '../../services/case-access.ts';
import { issueAfterEvent } from '../../services/issued-documents.ts';

export const biddingRoutes = new Hono<AppEnv>()
  .put('/cases/:id/bidding', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const input = await readJson(c, biddingInput);
    await setBidding(c, row, input);
    await issueAfterEvent(c, row, 'specChange');
    const { config, rounds } = await requireBidding(dbOf(c), row.id);
    return c.json({ bidding: biddingView(row, config, user, rounds) });
  })
  .get('/cases/:id/bidding', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member', 'evaluator', 'vendor');
    const { config, rounds } = await requireBidding(dbOf(c), row.id);
    return c.json({ bidding: biddingView(row, config, user, rounds) });
  })
  .post('/cases/:id/bids', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    const input = await readJson(c, bidInput);
    return c.json({ receipt: await submitBid(c, row, user.vendorId!, input) }, 201);
  })
  .post('/cases/:id/bids/decline', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    return c.json({ receipt: await submitBid(c, row, user.vendorId!, 'declined') }, 201);
  })
  .post('/cases/:id/bids/paper', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const input = await readJson(c, paperBidInput);
    return c.json({ receipt: await recordPaperBid(c, row, input) }, 201);
  })
  .get('/cases/:id/bids', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member', 'evaluator', 'vendor');
    return c.json({ rounds: await bidsView(dbOf(c), row, user) });
  })
  .get('/cases/:id/bids/mine', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    return c.json({ bids: await ownBids(dbOf(c), c.get('deps').keys, row, user.vendorId!) });
  })
  .post('/cases/:id/bids/open', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const opened = await openRound(c, row);
    await issueAfterEvent(c, row, 'opening');
    return c.json(opened);
  })
  .post('/cases/:id/bids/rounds', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const input = await readJson(c, roundInput);
    const round = await startRebid(c, row, input);
    return c.json({ round: { round: round.round, deadlineAt: round.deadlineAt.toISOString(), openingAt: round.openingAt.toISOString() } }, 201);
  })
  .post('/cases/:id/bids/investigation', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const input = await readJson(c, decisionInput);
    const decided = await decideInvestigation(c, row, input);
    await issueAfterEvent(c, row, 'opening');
    return c.json(decided);
  });
