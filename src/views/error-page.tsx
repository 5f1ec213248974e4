import type { SessionUser } from '../context.ts';
import { Layout } from './layout.tsx';

export function ErrorPage(props: { title: string; message: string; user?: SessionUser | null | undefined; requestId?: string | undefined }) {
  return (
    <Layout title={props.title} user={props.user}>
      <div class="card">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        {props.requestId ? <p class="muted">お問い合わせの際は、この番号をお伝えください: <code>{props.requestId}</code></p> : null}
        <p>
          <a href="/cases">調達案件の一覧へ戻る</a>
        </p>
      </div>
    </Layout>
  );
}
