import { Hono } from 'hono';
import { z } from 'zod';
import { requireConsortiumRole } from '../../auth/session.ts';
import { type AppEnv, dbOf, nowOf } from '../../context.ts';
import { findVendor, listVendors, vendorView } from '../../db/tenancy.ts';
import { qualificationStatuses } from '../../domain/qualification.ts';
import { notFound } from '../../errors.ts';
import { parseWith, readJson } from '../../http/json.ts';
import { nameInput } from '../../http/inputs.ts';
import { corporateNumberInput } from '../../http/member-input.ts';
import { mutate } from '../../http/mutate.ts';
import { csvImport } from '../../http/raw-body.ts';
import { registerVendor, registrationInput } from '../../services/vendor-registration.ts';
import {
  QUALIFIED_LIST_CSV_LIMIT,
  decideVendorQualification,
  importQualifiedList,
  insertVendor,
  qualificationInput,
  updateVendorDetails,
  vendorAddressFields,
  vendorDetailsInput,
} from '../../services/qualification.ts';

export const vendorInput = z.strictObject({ name: nameInput, corporateNumber: corporateNumberInput.optional(), ...vendorAddressFields });

export const listQuery = z.strictObject({ qualification: z.enum(qualificationStatuses).optional() });

export const vendorRoutes = new Hono<AppEnv>()
  .post('/vendors', async (c) => {
    const me = requireConsortiumRole(c, 'secretariat');
    const input = await readJson(c, vendorInput);
    const vendor = await mutate(c, async (tx, audit) => {
      const row = await insertVendor(tx, { consortiumId: me.consortiumId, name: input.name, corporateNumber: input.corporateNumber, address: input.address, representative: input.representative, approvedBy: me.id }, nowOf(c));
      await audit({ action: 'vendor.create', objectType: 'vendor', objectId: row.id, details: { name: row.name, corporateNumber: row.corporateNumber, address: row.address, representative: row.representative, qualification: row.qualification } });
      return row;
    });
    return c.json({ vendor: vendorView(vendor) }, 201);
  })
  .post('/vendors/register', async (c) => {
    const input = await readJson(c, registrationInput);
    return c.json(await registerVendor(c, input), 201);
  })

  .post('/vendors/import', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    return csvImport(c, QUALIFIED_LIST_CSV_LIMIT, (bytes, charset) => importQualifiedList(c, bytes, charset));
  })
  .post('/vendors/:id/qualification', async (c) => {
    const me = requireConsortiumRole(c, 'secretariat');
    const row = await findVendor(dbOf(c), me.consortiumId, c.req.param('id'));
    if (!row) throw notFound('指定された事業者が見つかりません。');
    const input = await readJson(c, qualificationInput);
    const vendor = await decideVendorQualification(c, row.id, input);
    return c.json({ vendor: vendorView(vendor) });
  })
  .get('/vendors', async (c) => {
    const me = requireConsortiumRole(c, 'secretariat');
    const { qualification } = parseWith(listQuery, { qualification: c.req.query('qualification') });
    const rows = await listVendors(dbOf(c), me.consortiumId, qualification);
    return c.json({ vendors: rows.map(vendorView) });
  })
  // 所在地 and 代表者 (how a notice is addressed): the secretariat, or the vendor for itself
  .patch('/vendors/:id', async (c) => {
    const me = requireConsortiumRole(c, 'secretariat', 'vendor');
    const id = c.req.param('id');
    if (me.role === 'vendor' && me.vendorId !== id) throw notFound();
    const row = await findVendor(dbOf(c), me.consortiumId, id);
    if (!row) throw notFound();
    const input = await readJson(c, vendorDetailsInput);
    return c.json({ vendor: vendorView(await updateVendorDetails(c, me.consortiumId, row.id, input)) });
  })
  .get('/vendors/:id', async (c) => {
    const me = requireConsortiumRole(c, 'secretariat', 'vendor');
    const id = c.req.param('id');
    if (me.role === 'vendor' && me.vendorId !== id) throw notFound();
    const row = await findVendor(dbOf(c), me.consortiumId, id);
    if (!row) throw notFound();
    return c.json({ vendor: vendorView(row) });
  });
