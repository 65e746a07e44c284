-- A pandoc writer that runs after citeproc and returns, as JSON, the HTML of each citation
-- (one per Div, keyed by the Div's id) and of each bibliography entry. brief/cite.py reads it.

local SAFE_LINK = {"^https?://", "^mailto:"}

local function safe(url)
  for _, pattern in ipairs(SAFE_LINK) do
    if url:lower():match(pattern) then return true end
  end
  return false
end

-- Nothing in a source or a citation may become markup that fetches or runs anything, nor carry
-- an attribute (brief/sanitise.py checks the HTML written here once more).
local sanitise = {
  RawInline = function(raw) return pandoc.Str(raw.text) end,
  RawBlock = function(raw) return pandoc.Plain(pandoc.Str(raw.text)) end,
  Image = function(image) return image.caption end,
  Code = function(code) return pandoc.Code(code.text) end,
  Link = function(link)
    if safe(link.target) then return pandoc.Link(link.content, link.target) end
    return link.content
  end,
}

-- Every piece of HTML is written in one pandoc.write call at the end: a call per citation
-- costs more than citeproc itself. Pieces are queued with a cut mark between them, which no
-- user text can forge: raw HTML was turned into plain (escaped) text above.
local CUT = '<!--brief-cut-->'
local pieces = {}

local function html(inlines)
  table.insert(pieces, pandoc.Plain(inlines))
  table.insert(pieces, pandoc.RawBlock('html', CUT))
  return #pieces // 2
end

local function written(queued)
  local text = pandoc.write(pandoc.Pandoc(queued), 'html', {wrap_text = 'none'})
  local found, start = {}, 1
  while true do
    local cut = text:find(CUT, start, true)
    if not cut then break end
    table.insert(found, (text:sub(start, cut - 1):gsub('^\n+', ''):gsub('\n+$', '')))
    start = cut + #CUT
  end
  assert(#found == #queued // 2, 'the HTML of the citations could not be split')
  return found
end

-- Numeric styles put the entry's number in a `csl-left-margin` Span and the rest in a
-- `csl-right-inline` one; the label goes back on its own so that the template can align it.
local function bibliography_entry(id, blocks)
  local label, body = nil, {}
  for _, inline in ipairs(pandoc.utils.blocks_to_inlines(blocks)) do
    if inline.t == 'Span' and inline.classes:includes('csl-left-margin') then
      label = pandoc.utils.stringify(inline):gsub('^%s+', ''):gsub('%s+$', '')
    elseif inline.t == 'Span' and inline.classes:includes('csl-right-inline') then
      for _, inner in ipairs(inline.content) do table.insert(body, inner) end
    else
      table.insert(body, inline)
    end
  end
  while #body > 0 and (body[#body].t == 'Space' or body[#body].t == 'SoftBreak') do
    table.remove(body)
  end
  return {id = id, label = label, html = html(body)}
end

function Writer(doc, opts)
  doc = doc:walk(sanitise)
  local out = {citations = {}, bibliography = {}}
  for _, block in ipairs(doc.blocks) do
    if block.t == 'Div' and block.identifier == 'refs' then
      for _, entry in ipairs(block.content) do
        local id = entry.identifier:gsub('^ref%-', '')
        table.insert(out.bibliography, bibliography_entry(id, entry.content))
      end
    elseif block.t == 'Div' then
      block:walk({Cite = function(cite)
        local text, note = {}, nil
        for _, inline in ipairs(cite.content) do
          if inline.t == 'Note' then
            note = html(pandoc.utils.blocks_to_inlines(inline.content))
          else
            table.insert(text, inline)
          end
        end
        out.citations[block.identifier] = {text = html(text), note = note}
      end})
    end
  end
  local html_of = written(pieces)
  for _, cite in pairs(out.citations) do
    cite.text = html_of[cite.text]
    cite.note = cite.note and html_of[cite.note]
  end
  for _, entry in ipairs(out.bibliography) do entry.html = html_of[entry.html] end
  return pandoc.json.encode(out)
end
