import { z } from 'zod';

/** Input pieces shared by several routes. */
export const emailInput = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'メールアドレスの形式ではありません' }))
  .transform((v) => v.toLowerCase());

export const passwordInput = z
  .string()
  .min(10, { message: 'パスワードは10文字以上にしてください' })
  .max(200, { message: 'パスワードは200文字以内にしてください' });

export const nameInput = z.string().trim().min(1, { message: '名前を入力してください' }).max(200);

export const idParam = z.string().min(1).max(64);
