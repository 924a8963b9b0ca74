import { describe, expect, it } from "vitest";
import { newUser, TestBrowser, textOf } from "../helpers/browser";

describe("the whole journey", () => {
  it("registers, flashes, logs in, shows the dashboard and logs out", async () => {
    const browser = new TestBrowser();
    const user = newUser({ first_name: "Grace", last_name: "Hopper" });

    await browser.get("/register/");
    const registered = await browser.post("/register/", user);
    expect(registered.response.status).toBe(303);
    expect(registered.response.headers.get("Location")).toBe("/login/");

    const loginPage = await browser.get("/login/");
    expect(loginPage.html).toContain("You have successfully registered! You may now login.");
    expect((await browser.get("/login/")).html).not.toContain("You have successfully registered!");

    const login = await browser.post("/login/", { email: user.email ?? "", password: user.password ?? "" });
    expect(login.response.status).toBe(303);
    expect(login.response.headers.get("Location")).toBe("/dash/");

    const dash = await browser.get("/dash/");
    expect(dash.response.status).toBe(200);
    const text = textOf(dash.html);
    expect(text).toContain("Welcome, Grace Hopper");
    expect(text).toContain(user.email);
    expect(text).toContain("Logins: 1");
    expect(text).toContain("This is your first login");

    const logout = await browser.post("/logout/", {});
    expect(logout.response.status).toBe(303);
    expect(logout.response.headers.get("Location")).toBe("/");
    expect((await browser.get("/")).html).toContain("You have been logged out.");
    const after = await browser.get("/dash/");
    expect(after.response.status).toBe(303);
    expect(after.response.headers.get("Location")).toBe("/login/?next=%2Fdash%2F");
  });
});
