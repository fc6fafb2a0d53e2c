// The page at / in a real browser: Debian's Chromium, driven headless by
// playwright-core. Types a draft, waits for the underlines, opens a
// finding, applies a fix and keeps a screenshot.
//
//   TACTFUL_URL=http://127.0.0.1:8081/ SCREENSHOT=docs/page.png node --test page.test.mjs

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { chromium } from "playwright-core";

const BASE = process.env.TACTFUL_URL ?? "http://127.0.0.1:8081/";
const SHOT = resolve(process.env.SCREENSHOT ?? "page.png");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

const DRAFT =
  "Hi Sam,\n\nThanks for waiting 🙏 and sorry for the trouble. No. We don't do refunds " +
  "on opened items. Calm down, that's not my job!!!\n\nBest,\nAlex";

async function marks(page) {
  return page.$$eval("#backdrop mark", (ms) => ms.map((m) => m.textContent));
}

// The middle of a mark's first line box (a mark may wrap over two lines).
async function firstLine(locator) {
  return locator.evaluate((m) => {
    const r = m.getClientRects()[0];
    return { x: r.left + Math.min(r.width / 2, 20), y: r.top + r.height / 2, width: r.width };
  });
}

test("the page underlines findings as the agent types and applies a fix", async () => {
  const profile = mkdtempSync(join(tmpdir(), "tactful-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1180, height: 700 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    await page.goto(BASE);
    await page.selectOption("#channel", "chat");
    await page.click("#customer-box summary");
    await page.fill("#customer", "Where is my refund?? This is the third time I ask!");
    await page.click("#draft");
    await page.keyboard.type(DRAFT, { delay: 2 });

    // Underlines appear (debounced) once typing stops.
    await page.waitForFunction(() => document.querySelectorAll("#backdrop mark").length >= 4, null, { timeout: 15000 });
    const underlined = await marks(page);
    for (const want of ["No.", "Calm down", "that's not my job", "!!!"]) {
      assert.ok(underlined.includes(want), `expected "${want}" underlined, got ${JSON.stringify(underlined)}`);
    }
    const cards = await page.$$eval("#findings .card", (cs) => cs.map((c) => c.dataset.rule));
    assert.ok(cards.includes("dismissive") && cards.includes("not-my-job"), JSON.stringify(cards));
    const before = Number(await page.textContent("#score-value"));
    assert.ok(before < 100, `score ${before}`);

    // The underline sits over the words it names: the mark's box and the
    // textarea's own text line up (the emoji before it counts as two
    // UTF-16 units in both).
    const calm = page.locator("#backdrop mark", { hasText: "Calm down" });
    const at = await firstLine(calm);
    assert.ok(at.width > 10, "the mark has a size");

    // Hovering the underline shows the message and the suggestions.
    await page.mouse.move(at.x, at.y);
    await page.waitForSelector("#popover:not([hidden]) .card[data-rule=dismissive]");
    const tip = await page.textContent("#popover");
    assert.match(tip, /Calm down/);
    const fix = page.locator("#popover .card[data-rule=dismissive] button.fix").first();
    const replacement = await fix.textContent();

    // Clicking the suggestion applies it and the draft is checked again.
    await fix.click();
    const value = await page.inputValue("#draft");
    assert.ok(value.includes(replacement), value);
    assert.ok(!value.includes("Calm down"), value);
    await page.waitForFunction(
      () => document.querySelectorAll("#backdrop mark").length >= 3 &&
        ![...document.querySelectorAll("#backdrop mark")].some((m) => m.textContent === "Calm down"),
      null,
      { timeout: 15000 },
    );
    const after = Number(await page.textContent("#score-value"));
    assert.ok(after > before, `score went from ${before} to ${after}`);
    const rules = await page.$$eval("#findings .card", (cs) => cs.map((c) => c.dataset.rule));
    assert.ok(!rules.includes("dismissive"), JSON.stringify(rules));

    // Typing on keeps the underlines the edit does not touch until the
    // next answer comes.
    const checked = await page.getAttribute("body", "data-checked");
    await page.focus("#draft");
    await page.keyboard.press("Control+End");
    await page.keyboard.type("\nP.S. Your order number is 1234.", { delay: 0 });
    assert.ok((await marks(page)).includes("that's not my job"), "underline kept while typing");
    await page.waitForFunction((c) => document.body.dataset.checked !== c, checked, { timeout: 15000 });
    assert.ok((await marks(page)).includes("that's not my job"));

    // Open the next finding for the picture, then keep it.
    const job = await firstLine(page.locator("#backdrop mark", { hasText: "that's not my job" }));
    await page.mouse.move(job.x, job.y);
    await page.waitForSelector("#popover:not([hidden]) .card[data-rule=not-my-job]");
    mkdirSync(dirname(SHOT), { recursive: true });
    await page.screenshot({ path: SHOT, fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
