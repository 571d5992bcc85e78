-- Drives Neovim's built-in LSP client (0.7+) against `kubeha lsp`, headless:
-- open a manifest, wait for kubeha's diagnostics, apply the "ignore here" code action to the
-- single-replica finding, write the buffer, and wait for that diagnostic to go.
-- Environment: KUBEHA_BIN, KUBEHA_ROOT, KUBEHA_FILE, KUBEHA_RESULT (a file the test reads).
local bin = os.getenv("KUBEHA_BIN")
local root = os.getenv("KUBEHA_ROOT")
local file = os.getenv("KUBEHA_FILE")
local result_path = os.getenv("KUBEHA_RESULT")
local lines = {}
local function say(s) table.insert(lines, s) end

local function codes(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do table.insert(out, d.code) end
  table.sort(out)
  return table.concat(out, ",")
end

local function run()
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({ name = "kubeha", cmd = { bin, "lsp" }, root_dir = root })
  assert(client_id, "the client did not start")
  vim.lsp.buf_attach_client(bufnr, client_id)
  assert(vim.wait(30000, function() return #vim.diagnostic.get(bufnr) > 0 end, 20), "no diagnostics")
  say("before: " .. codes(bufnr))
  local target
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == "single-replica" then target = d end
  end
  assert(target, "no single-replica diagnostic")
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = {
      start = { line = target.lnum, character = target.col },
      ["end"] = { line = target.end_lnum, character = target.end_col },
    },
    context = { diagnostics = {} },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, 30000)
  local chosen
  for _, r in pairs(responses or {}) do
    for _, action in ipairs(r.result or {}) do
      if action.title:find("^Ignore `single%-replica` here") then chosen = action end
    end
  end
  assert(chosen, "no ignore-here code action")
  say("action: " .. chosen.title)
  vim.lsp.util.apply_workspace_edit(chosen.edit, "utf-16")
  vim.cmd("write")
  assert(vim.wait(30000, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.code == "single-replica" then return false end
    end
    return true
  end, 20), "single-replica is still reported after the fix")
  say("after: " .. codes(bufnr))
  vim.lsp.stop_client(client_id)
end

local ok, err = pcall(run)
if not ok then say("FAIL: " .. tostring(err)) end
vim.fn.writefile(lines, result_path)
vim.cmd(ok and "qall!" or "cquit! 1")
