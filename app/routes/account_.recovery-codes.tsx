// /account/recovery-codes/ (docs/product.md "Two-step verification"), behind "Confirm it's you": the
// POST of "Get new recovery codes" answers with ten new codes, shown once; the old ones are void.
// A GET (a reload, a bookmark) offers the button again: codes once shown are never shown again.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { useActionData } from "@remix-run/react";
import { requireConfirmedUser } from "~/auth/confirm.server";
import { Card } from "~/components/card";
import { PostForm, usePostForm } from "~/components/post-form";
import { RecoveryCodes } from "~/components/recovery-codes";
import { submitForm } from "~/http/form-action.server";
import { pageMeta } from "~/messages";
import { renewRecoveryCodes } from "~/two-factor/settings.server";
import { EmptyFormSchema } from "~/validation";

export const meta = pageMeta("Recovery codes");

const PAGE = "/account/recovery-codes/";
const TWO_FACTOR_PAGE = "/account/two-factor/";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireConfirmedUser(request, context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireConfirmedUser(request, context);
  const submission = await submitForm(request, context, { schema: EmptyFormSchema });
  if (!submission.ok) return submission.reply;
  const codes = await renewRecoveryCodes(request, context, user);
  if (!codes) throw redirect(TWO_FACTOR_PAGE, 303);
  return { errors: {}, values: {}, codes };
}

export default function NewRecoveryCodes() {
  const result = useActionData<typeof action>();
  const form = usePostForm(PAGE, "EmptyFormSchema");
  if (result && "codes" in result) return <RecoveryCodes codes={result.codes} />;
  return (
    <Card
      id="new-codes"
      title="Recovery codes"
      footer={{ to: TWO_FACTOR_PAGE, label: "Back to two-step verification" }}
    >
      <p>Recovery codes are shown only once. New ones replace every code you have now.</p>
      <PostForm form={form} submit="Get new recovery codes" pending="Making new codes…" buttonClass="button">
        {null}
      </PostForm>
    </Card>
  );
}
