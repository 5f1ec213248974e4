import { Hono } from 'hono';
import { members } from '../../../schema/index.ts';
import { requireConsortiumRole } from '../../auth/session.ts';
import { type AppEnv, dbOf, nowOf } from '../../context.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { findMember, listMembers, memberView } from '../../db/tenancy.ts';
import { AppError, notFound } from '../../errors.ts';
import { readJson } from '../../http/json.ts';
import { memberInput } from '../../http/member-input.ts';
import { mutate } from '../../http/mutate.ts';
import { csvImport } from '../../http/raw-body.ts';
import { MEMBER_CSV_LIMIT, importMembers } from '../../services/member-import.ts';
import { newId } from '../../ids.ts';

export const memberRoutes = new Hono<AppEnv>()
  .post('/members', async (c) => {
    const me = requireConsortiumRole(c, 'secretariat');
    const input = await readJson(c, memberInput);
    const member = await mutate(c, async (tx, audit) => {
      try {
        const [row] = await tx
          .insert(members)
          .values({
            id: newId(),
            consortiumId: me.consortiumId,
            name: input.name,
            kind: input.kind,
            code: input.code ?? null,
            population: input.population ?? null,
            births: input.births ?? {},
            createdAt: nowOf(c),
          })
          .returning();
        await audit({ action: 'member.create', objectType: 'member', objectId: row!.id, details: { name: row!.name, code: row!.code } });
        return row!;
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('conflict', 'この団体コードはすでに登録されています。');
        throw err;
      }
    });
    return c.json({ member: memberView(member) }, 201);
  })
  .post('/members/import', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    return csvImport(c, MEMBER_CSV_LIMIT, (bytes, charset) => importMembers(c, bytes, charset));
  })
  .get('/members', async (c) => {
    const me = requireConsortiumRole(c, 'secretariat', 'member', 'evaluator');
    const rows = await listMembers(dbOf(c), me.consortiumId);
    return c.json({ members: rows.map(memberView) });
  })
  .get('/members/:id', async (c) => {
    const me = requireConsortiumRole(c, 'secretariat', 'member', 'evaluator');
    const row = await findMember(dbOf(c), me.consortiumId, c.req.param('id'));
    if (!row) throw notFound();
    return c.json({ member: memberView(row) });
  });
