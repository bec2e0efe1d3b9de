import "../tracing";
import { runRouter } from "../workers";

runRouter();
