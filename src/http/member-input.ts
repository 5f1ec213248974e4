import { z } from 'zod';
import { FISCAL_YEAR_PATTERN, MAX_MEMBER_COUNT, memberKinds } from '../domain/apportionment.ts';
import { isValidCorporateNumber, isValidLocalGovernmentCode } from '../domain/codes.ts';
import { nameInput } from './inputs.ts';

export const localGovernmentCodeInput = z
  .string()
  .trim()
  .regex(/^\d{6}$/, { message: '団体コードは6桁の数字です' })
  .refine(isValidLocalGovernmentCode, { message: '団体コードの検査数字が正しくありません' });

export const corporateNumberInput = z
  .string()
  .trim()
  .regex(/^\d{13}$/, { message: '法人番号は13桁の数字です' })
  .refine(isValidCorporateNumber, { message: '法人番号の検査数字が正しくありません' });

const count = z.number().int({ message: '整数を指定してください' }).min(0, { message: '0以上を指定してください' }).max(MAX_MEMBER_COUNT, { message: `${MAX_MEMBER_COUNT.toLocaleString('ja-JP')}以下を指定してください` });

export const birthsInput = z.record(
  z.string().regex(FISCAL_YEAR_PATTERN, { message: '年度は西暦4桁で指定してください' }),
  count,
);

export const memberInput = z.strictObject({
  name: nameInput,
  kind: z.enum(memberKinds),
  code: localGovernmentCodeInput.optional(),
  population: count.optional(),
  births: birthsInput.optional(),
});
