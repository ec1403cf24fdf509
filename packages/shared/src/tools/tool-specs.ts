import type { z } from "zod";
import type { ToolName } from "../tool-names";
import { annotationsOf, TOOL_FACTS, type ToolAnnotationHints, type ToolFacts } from "./tool-facts";
import {
  describeProjectInput,
  describeProjectOutput,
  getCardInput,
  getCardOutput,
  getRecentActivityInput,
  getRecentActivityOutput,
  listProjectsInput,
  listProjectsOutput,
  searchCardsInput,
  searchCardsOutput,
  whoamiInput,
  whoamiOutput,
} from "./read-tools";
import {
  addCommentInput,
  addCommentOutput,
  createCardInput,
  createCardOutput,
  reportSessionInput,
  reportSessionOutput,
  updateCardInput,
  updateCardOutput,
} from "./write-tools";

/** A tool's whole contract: its facts (tool-facts.ts) with its input and output schema. */
export interface ToolSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> extends ToolFacts {
  name: ToolName;
  annotations: ToolAnnotationHints;
  inputSchema: I;
  outputSchema: O;
}

function toolSpec<I extends z.ZodType, O extends z.ZodType>(name: ToolName, inputSchema: I, outputSchema: O): ToolSpec<I, O> {
  const facts = TOOL_FACTS[name];
  return { name, ...facts, annotations: annotationsOf(facts), inputSchema, outputSchema };
}

export const TOOL_SPECS = {
  whoami: toolSpec("whoami", whoamiInput, whoamiOutput),
  list_projects: toolSpec("list_projects", listProjectsInput, listProjectsOutput),
  describe_project: toolSpec("describe_project", describeProjectInput, describeProjectOutput),
  search_cards: toolSpec("search_cards", searchCardsInput, searchCardsOutput),
  get_card: toolSpec("get_card", getCardInput, getCardOutput),
  get_recent_activity: toolSpec("get_recent_activity", getRecentActivityInput, getRecentActivityOutput),
  create_card: toolSpec("create_card", createCardInput, createCardOutput),
  update_card: toolSpec("update_card", updateCardInput, updateCardOutput),
  add_comment: toolSpec("add_comment", addCommentInput, addCommentOutput),
  report_session: toolSpec("report_session", reportSessionInput, reportSessionOutput),
} as const satisfies Record<ToolName, ToolSpec>;
