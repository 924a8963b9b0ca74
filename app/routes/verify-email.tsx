// /verify-email/?token=…: the page an address link opens. A GET only shows the button (mail
// scanners and link previews fetch links; they must not confirm anything); the POST spends the link.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { data } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { findAddressLink, openAddressLink } from "~/account/email-address.server";
import { getUser, redirectWithFlash } from "~/auth/auth.server";
import { Card } from "~/components/card";
import { FormError } from "~/components/fields";
import { SubmitButton } from "~/components/post-form";
import { usePendingSubmit } from "~/components/use-pending-submit";
import { submitForm } from "~/http/form-action.server";
import { tokenPageHeaders } from "~/http/security-headers.server";
import { messages, pageMeta, serverMessages } from "~/messages";
import { AddressLinkSchema } from "~/validation";

export const meta = pageMeta("Confirm your email address");

export const headers = tokenPageHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  const link = await findAddressLink(context, token);
  if (!token || !link) return data({ token: "", link: null }, { status: 400 });
  return data({ token, link });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = await submitForm(request, context, { schema: AddressLinkSchema, ipLimit: "refuse" });
  if (!submission.ok) return submission.reply;
  const opened = await openAddressLink(request, context, submission.data.token ?? "");
  if (opened === "invalid") return submission.reject({ form: messages.resetLinkInvalid });
  if (opened === "taken") return submission.reject({ form: messages.emailTaken });
  const to = (await getUser(request, context)) ? "/dash/" : "/login/";
  throw await redirectWithFlash(request, context, to, { kind: "success", text: serverMessages.emailConfirmed });
}

export default function VerifyEmail() {
  const { token, link } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = usePendingSubmit("/verify-email/");
  const failed = result?.errors.form;
  const change = link?.purpose === "change_email";
  return (
    <Card
      id="verify"
      title={change ? "Confirm your new email address" : "Confirm your email address"}
      footer={!link || failed ? { to: "/account/", label: "Go to your account" } : undefined}
    >
      {!link || failed ? (
        <FormError error={failed ?? messages.resetLinkInvalid} />
      ) : (
        <>
          <p>
            {change
              ? `Confirm ${link.address} as the new email address of your account.`
              : `Confirm that ${link.address} is your email address.`}
          </p>
          <Form method="post" action={`/verify-email/?${new URLSearchParams({ token })}`}>
            <AuthenticityTokenInput />
            <input type="hidden" name="token" value={token} />
            <SubmitButton submitting={submitting} pending="Confirming…">
              Confirm email address
            </SubmitButton>
          </Form>
        </>
      )}
    </Card>
  );
}
