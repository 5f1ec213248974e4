import { Hono } from 'hono';
import { z } from 'zod';
import { type AppEnv, dbOf, nowOf } from '../../context.ts';
import { fileView } from '../../db/files.ts';
import { hasPassed } from '../../domain/deadline.ts';
import { AppError } from '../../errors.ts';
import { readJson, readOptionalJson } from '../../http/json.ts';
import { loadCase } from '../../services/case-access.ts';
import { assertAcceptingProposals, caseProposals, ownProposalView, proposalPriceInput, setProposalPrice, withdrawProposal } from '../../services/proposals.ts';
import { receiveVendorFile } from '../../services/vendor-files.ts';

export const withdrawInput = z.strictObject({ reason: z.string().max(2000).optional() });

export const proposalRoutes = new Hono<AppEnv>()
  .post('/cases/:id/proposal/files', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    await assertAcceptingProposals(c, row, user.vendorId!);
    const file = await receiveVendorFile(c, user as typeof user & { vendorId: string }, row, 'proposal', row.submissionDeadline, (tx) =>
        assertAcceptingProposals(c, row, user.vendorId!, tx),
      );
    return c.json({ file: fileView(file) }, 201);
  })
  .put('/cases/:id/proposal', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    const { price } = await readJson(c, proposalPriceInput);
    await setProposalPrice(c, row, user.vendorId!, price);
    return c.json({ proposal: await ownProposalView(dbOf(c), row, user.vendorId!) });
  })
  .get('/cases/:id/proposal', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    return c.json({ proposal: await ownProposalView(dbOf(c), row, user.vendorId!) });
  })
  .post('/cases/:id/proposal/withdraw', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    const { reason } = await readOptionalJson(c, withdrawInput);
    await withdrawProposal(c, row, user.vendorId!, reason);
    return c.json({ proposal: await ownProposalView(dbOf(c), row, user.vendorId!) });
  })
  .get('/cases/:id/proposals', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    if (!hasPassed(nowOf(c), row.submissionDeadline)) throw new AppError('not_yet', '提案書は提出期限の後に閲覧できます。');
    return c.json({ proposals: await caseProposals(dbOf(c), row) });
  });
